//! Key/value sources of a generator: env files, then literals, then files, as kustomize
//! loads them. Keys are not validated (kustomize v5's field validator accepts any key);
//! a key given twice is an error.

use crate::overlay::error::Error;
use crate::overlay::kustomization::GeneratorArgs;
use crate::overlay::loader::Loader;

/// One entry of a generated object, with the field it came from (for messages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    pub key: String,
    /// Raw bytes: file contents need not be UTF-8 (they become `binaryData`).
    pub value: Vec<u8>,
    /// Field of the source relative to the generator entry, e.g. `literals[2]`.
    pub field: String,
}

/// Bufio's default token limit: Go's line scanner stops (silently, in kustomize) at the
/// first line that, with its newline, does not fit in 64 KiB.
const MAX_LINE: usize = 64 * 1024;

/// Loads every pair of a generator entry.
///
/// Rules:
/// - env files first, then literals, then files (the order only decides which duplicate
///   is reported);
/// - a key may appear once across all sources.
///
/// # Errors
/// Unreadable files, malformed literals or file sources, env files with invalid UTF-8,
/// a repeated key. `field` names the entry (`configMapGenerator[0]`) in `file`.
pub fn load(args: &GeneratorArgs, ldr: &Loader, file: &str, field: &str) -> Result<Vec<Pair>, Error> {
    let mut pairs = Vec::new();
    for (i, env) in args.envs.iter().enumerate() {
        let sub = format!("envs[{i}]");
        let full = format!("{field}.{sub}");
        let bytes = ldr.read(env, file, &full)?;
        let lines = parse_env(&bytes)
            .map_err(|(line, msg)| Error::field(file, &full, format!("'{env}' line {line}: {msg}")))?;
        pairs.extend(lines.into_iter().map(|(key, value)| Pair {
            key,
            value: value.into_bytes(),
            field: sub.clone(),
        }));
    }
    for (i, lit) in args.literals.iter().enumerate() {
        let sub = format!("literals[{i}]");
        let (key, value) = parse_literal(lit).map_err(|msg| Error::field(file, format!("{field}.{sub}"), msg))?;
        pairs.push(Pair {
            key,
            value: value.into_bytes(),
            field: sub,
        });
    }
    for (i, src) in args.files.iter().enumerate() {
        let sub = format!("files[{i}]");
        let full = format!("{field}.{sub}");
        let (key, path) = parse_file_source(src).map_err(|msg| Error::field(file, &full, msg))?;
        let value = ldr.read(&path, file, &full)?;
        pairs.push(Pair { key, value, field: sub });
    }
    ensure_unique(&pairs, file, field)?;
    Ok(pairs)
}

fn ensure_unique(pairs: &[Pair], file: &str, field: &str) -> Result<(), Error> {
    let mut seen: std::collections::HashMap<&str, &str> = std::collections::HashMap::new();
    for p in pairs {
        if let Some(first) = seen.insert(&p.key, &p.field) {
            return Err(Error::field(
                file,
                format!("{field}.{}", p.field),
                format!(
                    "key '{}' is already set by {first}; keys must be unique across envs, literals and files",
                    p.key
                ),
            ));
        }
    }
    Ok(())
}

/// Splits a literal `key=value` at the first `=`; a value wrapped in matching single or
/// double quotes loses them.
///
/// # Errors
/// No `=`, or an empty key.
pub fn parse_literal(source: &str) -> Result<(String, String), String> {
    match source.split_once('=') {
        Some((key, value)) if !key.is_empty() => Ok((key.to_string(), remove_quotes(value).to_string())),
        _ => Err(format!("'{source}' is not key=value")),
    }
}

fn remove_quotes(s: &str) -> &str {
    let b = s.as_bytes();
    if b.len() >= 2 && b[0] == b[b.len() - 1] && (b[0] == b'"' || b[0] == b'\'') {
        &s[1..s.len() - 1]
    } else {
        s
    }
}

/// Splits a file source: `path` (the key is the base name) or `key=path`.
///
/// # Errors
/// An empty key or path, or a second `=`.
pub fn parse_file_source(source: &str) -> Result<(String, String), String> {
    let Some((key, path)) = source.split_once('=') else {
        return Ok((base_name(source), source.to_string()));
    };
    if key.is_empty() {
        return Err(format!("'{source}': missing key name before '='"));
    }
    if path.contains('=') {
        return Err(format!("'{source}': the key name or the file path contains '='"));
    }
    if path.is_empty() {
        return Err(format!("'{source}': missing file path after '='"));
    }
    Ok((key.to_string(), path.to_string()))
}

/// Go's `path.Base`: the last slash-separated element, trailing slashes ignored.
fn base_name(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let trimmed = p.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/".into();
    }
    trimmed.rsplit('/').next().unwrap_or(trimmed).to_string()
}

/// Parses an env file as kustomize does.
///
/// Rules, per line (split on `\n`, one trailing `\r` dropped):
/// - the whole line must be UTF-8;
/// - a UTF-8 BOM is dropped from the first line only;
/// - leading Unicode whitespace is dropped; trailing whitespace is kept;
/// - empty lines and lines starting with `#` are skipped (a `#` later on is data);
/// - `KEY=VALUE` splits at the first `=`, with no trimming or unquoting;
/// - a line without `=` is a key with an empty value;
/// - at the first line too long for Go's scanner (64 KiB with its newline), parsing
///   stops without an error, as in kustomize.
///
/// # Errors
/// `(line number, message)` for a line that is not UTF-8.
pub fn parse_env(content: &[u8]) -> Result<Vec<(String, String)>, (usize, String)> {
    let mut out = Vec::new();
    let mut rest = content;
    let mut index = 0usize;
    while !rest.is_empty() {
        let (mut line, next) = match rest.iter().position(|&b| b == b'\n') {
            Some(n) if n < MAX_LINE => (&rest[..n], &rest[n + 1..]),
            Some(_) => break,
            None if rest.len() < MAX_LINE => (rest, &rest[rest.len()..]),
            None => break,
        };
        rest = next;
        if let Some(l) = line.strip_suffix(b"\r") {
            line = l;
        }
        let text = std::str::from_utf8(line).map_err(|_| (index + 1, "invalid UTF-8".to_string()))?;
        let text = if index == 0 {
            text.strip_prefix('\u{feff}').unwrap_or(text)
        } else {
            text
        };
        index += 1;
        let text = text.trim_start();
        if text.is_empty() || text.starts_with('#') {
            continue;
        }
        let (key, value) = text.split_once('=').unwrap_or((text, ""));
        out.push((key.to_string(), value.to_string()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(s: &[u8]) -> Vec<(String, String)> {
        parse_env(s).unwrap()
    }

    fn kv(k: &str, v: &str) -> (String, String) {
        (k.to_string(), v.to_string())
    }

    #[test]
    fn literals_split_at_the_first_equals_and_unquote() {
        assert_eq!(parse_literal("a=b=c").unwrap(), kv("a", "b=c"));
        assert_eq!(parse_literal("a=").unwrap(), kv("a", ""));
        assert_eq!(parse_literal("a=\"v\"").unwrap(), kv("a", "v"));
        assert_eq!(parse_literal("a='v'").unwrap(), kv("a", "v"));
        assert_eq!(parse_literal("a=\"v'").unwrap(), kv("a", "\"v'"));
        assert_eq!(parse_literal("a=\"\"").unwrap(), kv("a", ""));
        assert_eq!(parse_literal("a=\"").unwrap(), kv("a", "\""));
        assert_eq!(parse_literal("a=x\"y\"").unwrap(), kv("a", "x\"y\""));
        assert_eq!(parse_literal("a b=c").unwrap(), kv("a b", "c"));
        assert_eq!(parse_literal("x==").unwrap(), kv("x", "="));
    }

    #[test]
    fn malformed_literals_are_rejected() {
        assert!(parse_literal("novalue").is_err());
        assert!(parse_literal("=v").is_err());
        assert!(parse_literal("==").is_err());
    }

    #[test]
    fn file_sources() {
        assert_eq!(parse_file_source("conf/a.txt").unwrap(), kv("a.txt", "conf/a.txt"));
        assert_eq!(parse_file_source("k=conf/a.txt").unwrap(), kv("k", "conf/a.txt"));
        assert_eq!(parse_file_source("sub/").unwrap(), kv("sub", "sub/"));
        assert_eq!(parse_file_source("k=a&b.txt").unwrap(), kv("k", "a&b.txt"));
        assert!(parse_file_source("=a.txt").is_err());
        assert!(parse_file_source("k=").is_err());
        assert!(parse_file_source("k=a=b.txt").is_err());
    }

    #[test]
    fn env_lines_follow_kustomize() {
        let text = b"# c\n\nPLAIN=value\n  INDENTED=x\nTRAIL=v   \nQ=\"q\"\nE=a=b\nBARE\nSPACED = y\n\tTAB=t\nexport X=1\nH=v # no comment\nLAST=no newline";
        assert_eq!(
            env(text),
            vec![
                kv("PLAIN", "value"),
                kv("INDENTED", "x"),
                kv("TRAIL", "v   "),
                kv("Q", "\"q\""),
                kv("E", "a=b"),
                kv("BARE", ""),
                kv("SPACED ", " y"),
                kv("TAB", "t"),
                kv("export X", "1"),
                kv("H", "v # no comment"),
                kv("LAST", "no newline"),
            ]
        );
    }

    #[test]
    fn env_bom_only_on_the_first_line_and_crlf() {
        let text = b"\xef\xbb\xbfA=1\r\nB=2\r\n\xef\xbb\xbfC=3\n   \n\t# c\nD\n";
        assert_eq!(
            env(text),
            vec![kv("A", "1"), kv("B", "2"), kv("\u{feff}C", "3"), kv("D", "")]
        );
    }

    #[test]
    fn env_invalid_utf8_names_the_line() {
        assert_eq!(parse_env(b"A=1\nB=\xff\n").unwrap_err().0, 2);
    }

    #[test]
    fn env_stops_at_an_overlong_line() {
        let ok = format!("A=1\nL={}\nC=3\n", "x".repeat(MAX_LINE - 3));
        assert_eq!(env(ok.as_bytes()).len(), 3);
        let long = format!("A=1\nL={}\nC=3\n", "x".repeat(MAX_LINE - 2));
        assert_eq!(env(long.as_bytes()), vec![kv("A", "1")]);
        let last_ok = format!("A=1\nL={}", "x".repeat(MAX_LINE - 3));
        assert_eq!(env(last_ok.as_bytes()).len(), 2);
        let last_long = format!("A=1\nL={}", "x".repeat(MAX_LINE - 2));
        assert_eq!(env(last_long.as_bytes()).len(), 1);
    }
}
