//! Go's `encoding/json` string escaping, shared by everything that must reproduce bytes Go
//! wrote: Helm's `toJson` family, Helm's Chart.lock digest and kustomize's name-suffix hash.
//!
//! The rules (Go 1.22 and later, which Helm 4 and kustomize 5.5 are built with):
//! - `"` and `\` are backslash-escaped; `\n`, `\r`, `\t`, `\b` (U+0008) and `\f` (U+000C) take
//!   their short forms; every other control character below U+0020 is `\u00XX` (lower-case hex);
//! - with HTML-safe escaping (`json.Marshal`'s default; off for sprig's `toRawJson`), `<`, `>`
//!   and `&` are `\u003c`, `\u003e`, `\u0026`;
//! - U+2028 and U+2029 are always `\u2028` and `\u2029` (JavaScript line terminators);
//! - everything else, non-ASCII included, is written as is.

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Appends `s` to `out` as a quoted JSON string, escaped as Go's `encoding/json` escapes it;
/// `html_safe` escapes `<`, `>` and `&` as `json.Marshal` does by default.
///
/// Runs of characters that need no escape are copied as one slice, and nothing is allocated
/// (beyond `out` growing): this is the hot path of `toJson` in templates.
///
/// ```
/// let mut out = String::new();
/// rudder::yaml::go_json_string(&mut out, "a<b\u{8}\u{1}\u{2028}é", true);
/// assert_eq!(out, r#""a\u003cb\b\u0001\u2028é""#);
/// ```
pub fn go_json_string(out: &mut String, s: &str, html_safe: bool) {
    let bytes = s.as_bytes();
    out.reserve(s.len() + 2);
    out.push('"');
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        // Each escape starts at an ASCII byte or at U+2028/U+2029's lead byte, so `start..i`
        // always ends on a character boundary.
        let (escape, len): (&str, usize) = match b {
            b'"' => ("\\\"", 1),
            b'\\' => ("\\\\", 1),
            b'\n' => ("\\n", 1),
            b'\r' => ("\\r", 1),
            b'\t' => ("\\t", 1),
            0x08 => ("\\b", 1),
            0x0c => ("\\f", 1),
            0x00..=0x1f => ("", 1),
            b'<' | b'>' | b'&' if html_safe => ("", 1),
            0xe2 if bytes.get(i + 1) == Some(&0x80) && matches!(bytes.get(i + 2), Some(0xa8 | 0xa9)) => {
                (if bytes[i + 2] == 0xa8 { "\\u2028" } else { "\\u2029" }, 3)
            }
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&s[start..i]);
        if escape.is_empty() {
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        } else {
            out.push_str(escape);
        }
        i += len;
        start = i;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn go(s: &str, html: bool) -> String {
        let mut out = String::new();
        go_json_string(&mut out, s, html);
        out
    }

    #[test]
    fn escapes_as_go() {
        assert_eq!(
            go("a\"b\\c\n\r\t\u{8}\u{c}\u{1}\u{1f}é\u{2028}\u{2029}😀<>&", true),
            r#""a\"b\\c\n\r\t\b\f\u0001\u001fé\u2028\u2029😀\u003c\u003e\u0026""#
        );
        assert_eq!(go("<>&\u{7f}", false), "\"<>&\u{7f}\"");
        assert_eq!(go("", true), "\"\"");
        // Other characters whose UTF-8 starts with 0xE2 pass through.
        assert_eq!(go("\u{2027}\u{202a}€", true), "\"\u{2027}\u{202a}€\"");
    }

    proptest! {
        /// serde_json writes the same text except where Go is stricter: HTML characters,
        /// U+2028/U+2029 (serde_json leaves them as is) and `\u00XX` case (both lower-case).
        #[test]
        fn agrees_with_serde_json_then_go_extras(s in "(?s).{0,40}") {
            let want = serde_json::to_string(&s)
                .unwrap()
                .replace('<', "\\u003c")
                .replace('>', "\\u003e")
                .replace('&', "\\u0026")
                .replace('\u{2028}', "\\u2028")
                .replace('\u{2029}', "\\u2029");
            prop_assert_eq!(go(&s, true), want);
        }
    }
}
