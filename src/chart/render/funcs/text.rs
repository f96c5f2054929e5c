//! String built-ins as Sprig has them: quoting, indentation, trimming, case, regexes,
//! encodings and digests.

use base64::Engine as _;
use minijinja::value::{Rest, Value};
use minijinja::{Error, ErrorKind};
use sha2::Digest as _;

use super::super::convert::{to_text, with_text};
use super::{cached_regex, invalid};

/// Go's `strconv.Quote`: double quotes with Go escapes; none and undefined give nothing.
pub fn quote(v: &Value) -> String {
    if v.is_undefined() || v.is_none() {
        return String::new();
    }
    with_text(v, go_quote)
}

/// `quote` over several values, joined with spaces (Sprig's variadic form).
pub fn quote_all(args: &[Value]) -> String {
    args.iter()
        .filter(|v| !v.is_undefined() && !v.is_none())
        .map(quote)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Single quotes, no escaping; none and undefined give nothing.
pub fn squote(v: &Value) -> String {
    if v.is_undefined() || v.is_none() {
        return String::new();
    }
    format!("'{}'", to_text(v))
}

pub fn squote_all(args: &[Value]) -> String {
    args.iter()
        .filter(|v| !v.is_undefined() && !v.is_none())
        .map(squote)
        .collect::<Vec<_>>()
        .join(" ")
}

fn go_quote(s: &str) -> String {
    let plain_ascii = |b: u8| (b' '..0x7f).contains(&b) && b != b'"' && b != b'\\';
    let plain = |c: char| c >= ' ' && c != '"' && c != '\\' && c != '\u{7f}' && (c.is_ascii() || !is_go_unprintable(c));
    if s.bytes().all(plain_ascii) || s.chars().all(plain) {
        let mut out = String::with_capacity(s.len() + 2);
        out.push('"');
        out.push_str(s);
        out.push('"');
        return out;
    }
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if is_go_unprintable(c) => {
                if (c as u32) < 0x10000 {
                    out.push_str(&format!("\\u{:04x}", c as u32));
                } else {
                    out.push_str(&format!("\\U{:08x}", c as u32));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Characters Go's `strconv.IsPrint` refuses beyond the ASCII controls: C1 controls,
/// unassigned-looking specials and the non-space separators.
fn is_go_unprintable(c: char) -> bool {
    let u = c as u32;
    (0x80..0xa0).contains(&u)
        || u == 0xad
        || (0x2028..=0x2029).contains(&u)
        || u == 0xfeff
        || (0xfff9..=0xfffb).contains(&u)
        || (u & 0xfffe) == 0xfffe
}

/// Sprig's `indent`: every line (the first included, blank ones too) gets `width`
/// spaces. `first=false` keeps the first line as it is and `blank=false` leaves blank
/// lines alone, as Jinja's own `indent` does.
pub fn indent(s: &str, width: usize, first: bool, blank: bool) -> String {
    let pad = " ".repeat(width);
    let mut out = String::with_capacity(s.len() + pad.len() * (1 + s.len() / 16));
    for (i, line) in s.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let indent_this = (i > 0 || first) && (blank || !line.trim().is_empty());
        if indent_this {
            out.push_str(&pad);
        }
        out.push_str(line);
    }
    out
}

/// Sprig's `trunc`: the first `n` characters, or the last `-n` when negative.
pub fn trunc(s: &str, n: i64) -> String {
    let count = s.chars().count() as i64;
    if n >= 0 {
        if n >= count {
            s.to_string()
        } else {
            s.chars().take(n as usize).collect()
        }
    } else if -n >= count {
        s.to_string()
    } else {
        s.chars().skip((count + n) as usize).collect()
    }
}

/// Go's `strings.Title`: upper-cases the first letter of every word.
pub fn title(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut prev_sep = true;
    for c in s.chars() {
        if prev_sep {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        prev_sep = !(c.is_alphanumeric() || c == '_' || c == '\'');
    }
    out
}

pub fn regex_match(s: &str, re: &str) -> Result<bool, Error> {
    Ok(cached_regex(re)?.is_match(s))
}

pub fn regex_replace_all(s: &str, re: &str, repl: &str) -> Result<String, Error> {
    Ok(cached_regex(re)?.replace_all(s, repl).into_owned())
}

pub fn regex_find(s: &str, re: &str) -> Result<String, Error> {
    Ok(cached_regex(re)?
        .find(s)
        .map(|m| m.as_str().to_string())
        .unwrap_or_default())
}

pub fn regex_find_all(s: &str, re: &str, n: i64) -> Result<Vec<String>, Error> {
    let re = cached_regex(re)?;
    let limit = if n < 0 { usize::MAX } else { n as usize };
    Ok(re.find_iter(s).take(limit).map(|m| m.as_str().to_string()).collect())
}

pub fn regex_split(s: &str, re: &str, n: i64) -> Result<Vec<String>, Error> {
    let re = cached_regex(re)?;
    Ok(if n < 0 {
        re.split(s).map(str::to_string).collect()
    } else {
        re.splitn(s, n as usize).map(str::to_string).collect()
    })
}

pub fn b64enc(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s.as_bytes())
}

/// Decodes standard base64; like Sprig, a bad input gives the decoder's message.
pub fn b64dec(s: &str) -> Result<String, Error> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(s.trim_end_matches('\n'))
        .map_err(|e| invalid(format!("b64dec: {e}")))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

pub fn sha256sum(s: &str) -> String {
    hex(&sha2::Sha256::digest(s.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Go's `fmt.Sprintf` for the verbs charts use: `%s %d %v %q %f %x %%`, with widths.
pub fn printf(format: &str, args: &Rest<Value>) -> Result<String, Error> {
    let mut out = String::new();
    let mut args = args.0.iter();
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut flags = String::new();
        while let Some(&f) = chars.peek() {
            if "-+ 0#.".contains(f) || f.is_ascii_digit() {
                flags.push(f);
                chars.next();
            } else {
                break;
            }
        }
        let Some(verb) = chars.next() else {
            out.push_str("%!(NOVERB)");
            break;
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        let Some(arg) = args.next() else {
            out.push_str(&format!("%!{verb}(MISSING)"));
            continue;
        };
        let text = match verb {
            's' | 'v' => to_text(arg),
            'q' => go_quote(&to_text(arg)),
            'd' => match i64::try_from(arg.clone()) {
                Ok(i) => i.to_string(),
                Err(_) => format!("%!d({})", to_text(arg)),
            },
            'f' | 'g' | 'e' => {
                let f = f64::try_from(arg.clone()).map_err(|_| invalid(format!("printf: %{verb} needs a number")))?;
                let precision = flags.split('.').nth(1).and_then(|p| p.parse::<usize>().ok());
                match (verb, precision) {
                    ('f', p) => format!("{:.*}", p.unwrap_or(6), f),
                    _ => f.to_string(),
                }
            }
            'x' => match i64::try_from(arg.clone()) {
                Ok(i) => format!("{i:x}"),
                Err(_) => hex(to_text(arg).as_bytes()),
            },
            't' => to_text(arg),
            other => return Err(invalid(format!("printf: unsupported verb %{other}"))),
        };
        let width: usize = flags
            .split('.')
            .next()
            .unwrap_or("")
            .trim_start_matches(['-', '+', ' ', '0', '#'])
            .parse()
            .unwrap_or(0);
        let pad = width.saturating_sub(text.chars().count());
        if flags.starts_with('-') {
            out.push_str(&text);
            out.push_str(&" ".repeat(pad));
        } else {
            let fill = if flags.starts_with('0') { "0" } else { " " };
            out.push_str(&fill.repeat(pad));
            out.push_str(&text);
        }
    }
    Ok(out)
}

/// Sprig's `int`/`int64`: numbers truncated, numeric strings parsed, anything else 0.
pub fn to_int(v: &Value) -> i64 {
    if let Ok(i) = i64::try_from(v.clone()) {
        return i;
    }
    if let Ok(f) = f64::try_from(v.clone()) {
        return f as i64;
    }
    let s = to_text(v);
    let s = s.trim();
    if let Ok(i) = s.parse::<i64>() {
        return i;
    }
    if let Some(hex) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        return i64::from_str_radix(hex, 16).unwrap_or(0);
    }
    s.parse::<f64>().map(|f| f as i64).unwrap_or(0)
}

pub fn to_float(v: &Value) -> f64 {
    if let Ok(f) = f64::try_from(v.clone()) {
        return f;
    }
    to_text(v).trim().parse().unwrap_or(0.0)
}

/// Sprig's `repeat`, bounded so a template cannot build a huge string in one call.
pub fn repeat(s: &str, n: i64) -> Result<String, Error> {
    let n = n.max(0) as usize;
    match s.len().checked_mul(n) {
        Some(len) if len <= 64 << 20 => Ok(s.repeat(n)),
        _ => Err(Error::new(
            ErrorKind::InvalidOperation,
            "repeat: result would be over 64 MiB",
        )),
    }
}

fn words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in s.chars() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        cur.push(c);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

pub fn kebabcase(s: &str) -> String {
    words(s).iter().map(|w| w.to_lowercase()).collect::<Vec<_>>().join("-")
}

pub fn snakecase(s: &str) -> String {
    words(s).iter().map(|w| w.to_lowercase()).collect::<Vec<_>>().join("_")
}

pub fn camelcase(s: &str) -> String {
    words(s)
        .iter()
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().collect::<String>() + &c.as_str().to_lowercase(),
                None => String::new(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_as_go_does() {
        assert_eq!(go_quote("a\"b\\c\nd\te"), r#""a\"b\\c\nd\te""#);
        assert_eq!(go_quote("héllo"), "\"héllo\"");
        assert_eq!(go_quote("\u{1}"), "\"\\x01\"");
        assert_eq!(quote(&Value::from(())), "");
        assert_eq!(quote(&Value::from(3)), "\"3\"");
    }

    #[test]
    fn indentation_as_sprig_does() {
        assert_eq!(indent("a\n\nb", 2, true, true), "  a\n  \n  b");
        assert_eq!(indent("a\n\nb", 2, false, false), "a\n\n  b");
    }

    #[test]
    fn truncation() {
        assert_eq!(trunc("abcdef", 3), "abc");
        assert_eq!(trunc("abcdef", -2), "ef");
        assert_eq!(trunc("ab", 63), "ab");
    }

    #[test]
    fn title_case() {
        assert_eq!(title("hello wORLD-foo"), "Hello WORLD-Foo");
    }

    #[test]
    fn printf_verbs() {
        let args = Rest(vec![Value::from("a"), Value::from(5), Value::from(1.5)]);
        assert_eq!(printf("%s-%d-%.2f%%", &args).unwrap(), "a-5-1.50%");
        assert_eq!(printf("%05d", &Rest(vec![Value::from(42)])).unwrap(), "00042");
    }

    #[test]
    fn cases() {
        assert_eq!(kebabcase("FirstName"), "first-name");
        assert_eq!(snakecase("firstName"), "first_name");
        assert_eq!(camelcase("http_server"), "HttpServer");
    }
}
