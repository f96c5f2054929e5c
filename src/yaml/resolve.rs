//! Scalar resolution for the two dialects (owned by the parser helper).
//!
//! The rules follow what the Go readers do when they decode into `interface{}` and the result is
//! marshalled to JSON (read from go-yaml's `resolve.go` and checked against `kubectl kustomize`
//! and Helm):
//! - Only plain, untagged scalars are resolved; quoted and block scalars are strings.
//! - The first byte picks the candidates: a sign or digit may be a timestamp, int or float; `.`
//!   a float; `yYnNtTfFoO~` a bool or null word; anything else is a string.
//! - Words: `true/True/TRUE`, `false/...`, `~`, `null/Null/NULL`, empty, `.inf`, `-.inf`, `.nan`
//!   (and spellings). The Helm dialect (go-yaml v2, YAML 1.1) adds `y/Y/yes/Yes/YES`,
//!   `n/N/no/No/NO`, `on/On/ON`, `off/Off/OFF` as booleans.
//! - Integers: underscores are dropped, then Go's `strconv.ParseInt(s, 0, 64)` rules: optional
//!   sign, `0x`, `0o`, `0b` prefixes and legacy `0777` octal. Too big for i64 but fits u64 (no
//!   sign): [`Value::Uint`]. Base-60 (`1:20`) is a string in both dialects.
//! - Floats: `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?` (so `08` is the float 8);
//!   out of range (`1e400`) stays a string.
//! - Timestamps (`2006-1-2`, `2006-1-2T15:4:5.999Z07:00`, lower-case `t`, or a space and no
//!   zone): the Kustomize dialect turns them into the RFC 3339 text Go's `time.Time` marshals
//!   to (`2024-01-01T00:00:00Z`); the Helm dialect keeps the source text.
//! - Explicit core tags resolve the text as if untagged and fail when the kind differs
//!   (`!!int 1.5`), except that `!!float` takes an int. `!!str` keeps the text, `!!binary`
//!   decodes base64. Unknown tags give strings.

use std::borrow::Cow;

use base64::Engine as _;

use super::number::{Bits, go_format_g, go_parse_int, go_parse_uint, parse_decimal_float};
use super::parse::Dialect;
use super::timestamp::Timestamp;
use super::value::Value;

/// The tag written on a scalar, reduced to what resolution needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ScalarTag {
    /// No tag at all.
    None,
    /// The non-specific tag `!`.
    NonSpecific,
    Str,
    Int,
    Float,
    Bool,
    Null,
    Timestamp,
    Binary,
    /// `!!merge`, only meaningful on a `<<` key.
    Merge,
    /// Any other tag (`!foo`, `!!set`, ...): the scalar stays a string.
    Other,
}

impl ScalarTag {
    /// Classifies a tag given as saphyr's handle and suffix.
    pub(super) fn from_parts(handle: &str, suffix: &str) -> ScalarTag {
        const CORE: &str = "tag:yaml.org,2002:";
        let name = if handle == CORE {
            suffix
        } else if handle.is_empty() {
            if suffix == "!" {
                return ScalarTag::NonSpecific;
            }
            match suffix.strip_prefix(CORE) {
                Some(name) => name,
                None => return ScalarTag::Other,
            }
        } else {
            return ScalarTag::Other;
        };
        match name {
            "str" => ScalarTag::Str,
            "int" => ScalarTag::Int,
            "float" => ScalarTag::Float,
            "bool" => ScalarTag::Bool,
            "null" => ScalarTag::Null,
            "timestamp" => ScalarTag::Timestamp,
            "binary" => ScalarTag::Binary,
            "merge" => ScalarTag::Merge,
            _ => ScalarTag::Other,
        }
    }

    fn name(self) -> &'static str {
        match self {
            ScalarTag::Str => "!!str",
            ScalarTag::Int => "!!int",
            ScalarTag::Float => "!!float",
            ScalarTag::Bool => "!!bool",
            ScalarTag::Null => "!!null",
            ScalarTag::Timestamp => "!!timestamp",
            ScalarTag::Binary => "!!binary",
            ScalarTag::None | ScalarTag::NonSpecific | ScalarTag::Merge | ScalarTag::Other => "!!str",
        }
    }
}

/// What an untagged plain scalar resolves to, before the dialect picks the final value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Kind {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Timestamp(Timestamp),
    Str,
}

impl Kind {
    fn tag(self) -> ScalarTag {
        match self {
            Kind::Null => ScalarTag::Null,
            Kind::Bool(_) => ScalarTag::Bool,
            Kind::Int(_) | Kind::Uint(_) => ScalarTag::Int,
            Kind::Float(_) => ScalarTag::Float,
            Kind::Timestamp(_) => ScalarTag::Timestamp,
            Kind::Str => ScalarTag::Str,
        }
    }
}

/// Resolves one scalar to a value.
///
/// `plain` is true for plain (unquoted, non-block) scalars.
///
/// # Errors
/// A core tag that does not fit the text (`!!int 1.5`), or bad base64 under `!!binary`; the
/// message is go-yaml's.
pub(super) fn resolve_scalar(
    text: Cow<'_, str>,
    plain: bool,
    tag: ScalarTag,
    dialect: Dialect,
) -> Result<Value, String> {
    match tag {
        ScalarTag::None if plain => Ok(kind_value(resolve_kind(&text, dialect, true), text, dialect)),
        // go-yaml v3 resolves `! 12` like an untagged plain scalar; v2 leaves it a string.
        ScalarTag::NonSpecific if plain && dialect == Dialect::Kustomize => {
            Ok(kind_value(resolve_kind(&text, dialect, true), text, dialect))
        }
        ScalarTag::None | ScalarTag::NonSpecific | ScalarTag::Merge | ScalarTag::Other | ScalarTag::Str => {
            Ok(Value::String(compact(text)))
        }
        ScalarTag::Binary => decode_binary(&text).map(Value::String),
        ScalarTag::Int | ScalarTag::Float | ScalarTag::Bool | ScalarTag::Null | ScalarTag::Timestamp => {
            let kind = resolve_kind(&text, dialect, matches!(tag, ScalarTag::Timestamp));
            match (tag, kind) {
                (ScalarTag::Float, Kind::Int(i)) => Ok(Value::Float(i as f64)),
                _ if kind.tag() == tag => Ok(kind_value(kind, text, dialect)),
                _ => Err(format!(
                    "cannot decode {} `{}` as a {}",
                    kind.tag().name(),
                    text,
                    tag.name()
                )),
            }
        }
    }
}

/// The text a mapping key becomes, for a scalar key.
///
/// Kustomize (kyaml decoding into `map[string]interface{}`) keeps the key's source text. Helm
/// (sigs.k8s.io/yaml) resolves the key, then writes ints in decimal, floats as Go's `%g` of a
/// float32, booleans as `true`/`false` and null as `null`.
///
/// # Errors
/// As [`resolve_scalar`].
pub(super) fn resolve_key(text: Cow<'_, str>, plain: bool, tag: ScalarTag, dialect: Dialect) -> Result<String, String> {
    match dialect {
        Dialect::Kustomize => match tag {
            ScalarTag::None | ScalarTag::NonSpecific | ScalarTag::Merge | ScalarTag::Other | ScalarTag::Str => {
                Ok(compact(text))
            }
            ScalarTag::Binary => decode_binary(&text),
            _ => {
                // Fails the same way a value would; the key keeps its text.
                resolve_scalar(Cow::Borrowed(&text), plain, tag, dialect)?;
                Ok(compact(text))
            }
        },
        Dialect::Helm => {
            // Fast path: most keys are identifiers that cannot resolve to anything else.
            if plain && tag == ScalarTag::None && !may_resolve(&text, dialect) {
                return Ok(compact(text));
            }
            resolve_scalar(text, plain, tag, dialect).map(helm_key_text)
        }
    }
}

/// The key text sigs.k8s.io/yaml gives a resolved key value.
fn helm_key_text(v: Value) -> String {
    match v {
        Value::String(s) => s,
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Uint(u) => u.to_string(),
        Value::Float(f) => go_format_g(f, Bits::B32),
        // Only scalars reach here.
        Value::Seq(_) | Value::Map(_) => String::new(),
    }
}

/// Whether an untagged plain scalar could resolve to anything but a string.
fn may_resolve(text: &str, dialect: Dialect) -> bool {
    match text.as_bytes().first() {
        None => true,
        Some(b'+' | b'-' | b'0'..=b'9' | b'.' | b'~') => true,
        Some(b'y' | b'Y' | b'n' | b'N' | b'o' | b'O') => dialect == Dialect::Helm && text.len() <= 5,
        Some(b't' | b'T' | b'f' | b'F') => text.len() <= 5,
        Some(_) => false,
    }
}

fn kind_value(kind: Kind, text: Cow<'_, str>, dialect: Dialect) -> Value {
    match kind {
        Kind::Null => Value::Null,
        Kind::Bool(b) => Value::Bool(b),
        Kind::Int(i) => Value::Int(i),
        Kind::Uint(u) => Value::Uint(u),
        Kind::Float(f) => Value::Float(f),
        Kind::Timestamp(ts) => match dialect {
            Dialect::Kustomize => Value::String(ts.to_rfc3339()),
            // go-yaml v2 gives timestamps to interface{} as their text.
            Dialect::Helm => Value::String(compact(text)),
        },
        Kind::Str => Value::String(compact(text)),
    }
}

/// Resolves plain text as go-yaml does; `timestamps` says whether to try timestamps. The
/// Helm dialect is go-yaml v2's `resolve`, which the emitter also uses to decide quoting.
pub(super) fn resolve_kind(text: &str, dialect: Dialect, timestamps: bool) -> Kind {
    let Some(&first) = text.as_bytes().first() else {
        return Kind::Null;
    };
    match first {
        b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~' => word(text, dialect),
        b'.' => match text {
            ".nan" | ".NaN" | ".NAN" => Kind::Float(f64::NAN),
            ".inf" | ".Inf" | ".INF" => Kind::Float(f64::INFINITY),
            _ => match parse_decimal_float(text) {
                Some(f) => Kind::Float(f),
                None => Kind::Str,
            },
        },
        b'+' | b'-' | b'0'..=b'9' => {
            match text {
                "+.inf" | "+.Inf" | "+.INF" => return Kind::Float(f64::INFINITY),
                "-.inf" | "-.Inf" | "-.INF" => return Kind::Float(f64::NEG_INFINITY),
                _ => {}
            }
            if timestamps
                && first.is_ascii_digit()
                && let Some(ts) = Timestamp::parse(text)
            {
                return Kind::Timestamp(ts);
            }
            let plain: Cow<'_, str> = if text.contains('_') {
                Cow::Owned(text.replace('_', ""))
            } else {
                Cow::Borrowed(text)
            };
            if let Some(i) = go_parse_int(&plain) {
                return Kind::Int(i);
            }
            if let Some(u) = go_parse_uint(&plain) {
                return Kind::Uint(u);
            }
            match parse_decimal_float(&plain) {
                Some(f) => Kind::Float(f),
                None => Kind::Str,
            }
        }
        _ => Kind::Str,
    }
}

fn word(text: &str, dialect: Dialect) -> Kind {
    match text {
        "true" | "True" | "TRUE" => Kind::Bool(true),
        "false" | "False" | "FALSE" => Kind::Bool(false),
        "~" | "null" | "Null" | "NULL" => Kind::Null,
        _ if dialect == Dialect::Helm => match text {
            "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => Kind::Bool(true),
            "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => Kind::Bool(false),
            _ => Kind::Str,
        },
        _ => Kind::Str,
    }
}

/// Owns a scalar's text in a buffer of its own size.
///
/// The scanner reserves generously while it reads a scalar; keeping its buffers would make a
/// parsed tree several times larger than needed (and page faults dominate on large streams).
pub(super) fn compact(text: Cow<'_, str>) -> String {
    match text {
        Cow::Owned(s) if s.capacity() == s.len() => s,
        text => String::from(&*text),
    }
}

fn decode_binary(text: &str) -> Result<String, String> {
    // Go's base64 decoder skips line breaks, and nothing else.
    let cleaned: String = text.chars().filter(|c| *c != '\n' && *c != '\r').collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(cleaned.as_bytes())
        .map_err(|_| "!!binary value contains invalid base64 data".to_string())?;
    Ok(match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(text: &str, dialect: Dialect) -> Value {
        resolve_scalar(Cow::Borrowed(text), true, ScalarTag::None, dialect).unwrap()
    }

    fn both(text: &str) -> (Value, Value) {
        (plain(text, Dialect::Kustomize), plain(text, Dialect::Helm))
    }

    #[test]
    fn words_differ_between_dialects() {
        for w in ["true", "True", "TRUE"] {
            assert_eq!(both(w), (Value::Bool(true), Value::Bool(true)), "{w}");
        }
        for w in ["false", "False", "FALSE"] {
            assert_eq!(both(w), (Value::Bool(false), Value::Bool(false)), "{w}");
        }
        for w in ["y", "Y", "yes", "Yes", "YES", "on", "On", "ON"] {
            assert_eq!(both(w), (Value::String(w.into()), Value::Bool(true)), "{w}");
        }
        for w in ["n", "N", "no", "No", "NO", "off", "Off", "OFF"] {
            assert_eq!(both(w), (Value::String(w.into()), Value::Bool(false)), "{w}");
        }
        for w in ["~", "null", "Null", "NULL", ""] {
            assert_eq!(both(w), (Value::Null, Value::Null), "{w:?}");
        }
        for w in ["tRUE", "nULL", "yES", "On1", "nil", "None", "t", "f"] {
            assert_eq!(both(w), (Value::String(w.into()), Value::String(w.into())), "{w}");
        }
    }

    #[test]
    fn numbers_resolve_alike_in_both_dialects() {
        let cases: &[(&str, Value)] = &[
            ("0x1F", Value::Int(31)),
            ("0o17", Value::Int(15)),
            ("0b101", Value::Int(5)),
            ("-0b101", Value::Int(-5)),
            ("0777", Value::Int(511)),
            ("1_000", Value::Int(1000)),
            ("0x_1F", Value::Int(31)),
            ("1__0", Value::Int(10)),
            ("+5", Value::Int(5)),
            ("-0", Value::Int(0)),
            ("18446744073709551615", Value::Uint(u64::MAX)),
            ("-9223372036854775809", Value::Float(-9.223372036854776e18)),
            ("18446744073709551616", Value::Float(1.8446744073709552e19)),
            ("1.5", Value::Float(1.5)),
            ("1e3", Value::Float(1000.0)),
            ("1_0.5", Value::Float(10.5)),
            (".5", Value::Float(0.5)),
            ("08", Value::Float(8.0)),
            ("-.inf", Value::Float(f64::NEG_INFINITY)),
            ("+.Inf", Value::Float(f64::INFINITY)),
            (".INF", Value::Float(f64::INFINITY)),
            ("1e400", Value::String("1e400".into())),
            ("0x1p-2", Value::String("0x1p-2".into())),
            ("1:20", Value::String("1:20".into())),
            ("_1", Value::String("_1".into())),
            ("1.2.3", Value::String("1.2.3".into())),
            ("-", Value::String("-".into())),
            ("+.nan", Value::String("+.nan".into())),
            ("500m", Value::String("500m".into())),
        ];
        for (s, want) in cases {
            assert_eq!(both(s), (want.clone(), want.clone()), "{s}");
        }
        match both(".nan") {
            (Value::Float(a), Value::Float(b)) => assert!(a.is_nan() && b.is_nan()),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn timestamps_are_rfc3339_for_kustomize_and_text_for_helm() {
        assert_eq!(
            both("2001-12-14 21:59:43.10"),
            (
                Value::String("2001-12-14T21:59:43.1Z".into()),
                Value::String("2001-12-14 21:59:43.10".into())
            )
        );
        // Not quoted-looking input: a sign never starts a timestamp.
        assert_eq!(both("-2024-01-01").0, Value::String("-2024-01-01".into()));
    }

    #[test]
    fn tags() {
        let tagged =
            |text: &str, plain: bool, tag: ScalarTag, d: Dialect| resolve_scalar(Cow::Borrowed(text), plain, tag, d);
        let k = Dialect::Kustomize;
        assert_eq!(tagged("123", true, ScalarTag::Str, k), Ok(Value::String("123".into())));
        assert_eq!(tagged("1", true, ScalarTag::Float, k), Ok(Value::Float(1.0)));
        assert_eq!(tagged("0x10", true, ScalarTag::Float, k), Ok(Value::Float(16.0)));
        assert_eq!(tagged("12", false, ScalarTag::Int, k), Ok(Value::Int(12)));
        assert_eq!(tagged("", false, ScalarTag::Null, k), Ok(Value::Null));
        assert_eq!(tagged("", true, ScalarTag::Str, k), Ok(Value::String(String::new())));
        assert_eq!(
            tagged("aGVs\nbG8=\n", false, ScalarTag::Binary, k),
            Ok(Value::String("hello".into()))
        );
        assert_eq!(
            tagged("123", true, ScalarTag::Other, k),
            Ok(Value::String("123".into()))
        );
        assert_eq!(tagged("12", true, ScalarTag::NonSpecific, k), Ok(Value::Int(12)));
        assert_eq!(
            tagged("12", false, ScalarTag::NonSpecific, k),
            Ok(Value::String("12".into()))
        );
        assert_eq!(
            tagged("12", true, ScalarTag::NonSpecific, Dialect::Helm),
            Ok(Value::String("12".into()))
        );
        assert_eq!(
            tagged("2024-01-01", true, ScalarTag::Timestamp, k),
            Ok(Value::String("2024-01-01T00:00:00Z".into()))
        );
        assert_eq!(
            tagged("yes", true, ScalarTag::Bool, Dialect::Helm),
            Ok(Value::Bool(true))
        );
        let errors: &[(&str, ScalarTag, &str)] = &[
            ("1.5", ScalarTag::Int, "cannot decode !!float `1.5` as a !!int"),
            ("yes", ScalarTag::Bool, "cannot decode !!str `yes` as a !!bool"),
            ("x", ScalarTag::Null, "cannot decode !!str `x` as a !!null"),
            ("", ScalarTag::Int, "cannot decode !!null `` as a !!int"),
            (
                "18446744073709551615",
                ScalarTag::Float,
                "cannot decode !!int `18446744073709551615` as a !!float",
            ),
            (
                "2024-01-01",
                ScalarTag::Int,
                "cannot decode !!str `2024-01-01` as a !!int",
            ),
            (
                "soon",
                ScalarTag::Timestamp,
                "cannot decode !!str `soon` as a !!timestamp",
            ),
            ("a b", ScalarTag::Binary, "!!binary value contains invalid base64 data"),
        ];
        for (text, tag, want) in errors {
            assert_eq!(tagged(text, true, *tag, k), Err(want.to_string()), "{text}");
        }
    }

    #[test]
    fn tag_names() {
        assert_eq!(ScalarTag::from_parts("tag:yaml.org,2002:", "int"), ScalarTag::Int);
        assert_eq!(ScalarTag::from_parts("", "tag:yaml.org,2002:str"), ScalarTag::Str);
        assert_eq!(ScalarTag::from_parts("", "!"), ScalarTag::NonSpecific);
        assert_eq!(ScalarTag::from_parts("!", "foo"), ScalarTag::Other);
        assert_eq!(ScalarTag::from_parts("tag:yaml.org,2002:", "set"), ScalarTag::Other);
        assert_eq!(ScalarTag::from_parts("tag:yaml.org,2002:", "merge"), ScalarTag::Merge);
    }

    #[test]
    fn keys() {
        let key = |text: &str, d: Dialect| resolve_key(Cow::Borrowed(text), true, ScalarTag::None, d).unwrap();
        let cases: &[(&str, &str, &str)] = &[
            ("1", "1", "1"),
            ("true", "true", "true"),
            ("on", "on", "true"),
            ("y", "y", "true"),
            ("No", "No", "false"),
            ("0x1F", "0x1F", "31"),
            ("1.50", "1.50", "1.5"),
            ("1e3", "1e3", "1000"),
            ("123456789.5", "123456789.5", "1.2345679e+08"),
            ("~", "~", "null"),
            ("", "", "null"),
            ("2024-01-01", "2024-01-01", "2024-01-01"),
            ("18446744073709551615", "18446744073709551615", "18446744073709551615"),
            ("name", "name", "name"),
            ("offset", "offset", "offset"),
        ];
        for (text, kustomize, helm) in cases {
            assert_eq!(key(text, Dialect::Kustomize), *kustomize, "{text}");
            assert_eq!(key(text, Dialect::Helm), *helm, "{text}");
        }
        assert_eq!(
            resolve_key(Cow::Borrowed("1.5"), true, ScalarTag::Int, Dialect::Kustomize),
            Err("cannot decode !!float `1.5` as a !!int".to_string())
        );
        assert_eq!(
            resolve_key(Cow::Borrowed("on"), false, ScalarTag::None, Dialect::Helm),
            Ok("on".to_string())
        );
    }

    #[test]
    fn compact_drops_spare_capacity() {
        let mut s = String::with_capacity(100);
        s.push_str("abc");
        let c = compact(Cow::Owned(s));
        assert_eq!((c.as_str(), c.capacity()), ("abc", 3));
    }

    proptest::proptest! {
        #[test]
        fn any_i64_resolves_to_itself(i: i64) {
            let text = i.to_string();
            proptest::prop_assert_eq!(both(&text), (Value::Int(i), Value::Int(i)));
        }

        #[test]
        fn any_finite_f64_resolves_to_itself(f: f64) {
            proptest::prop_assume!(f.is_finite());
            let text = format!("{f:e}");
            proptest::prop_assert_eq!(plain(&text, Dialect::Kustomize), Value::Float(f));
        }

        #[test]
        fn any_valid_date_formats_back(y in 0u32..10000, m in 1u32..13, d in 1u32..29, h in 0u32..24, mi in 0u32..60, s in 0u32..60) {
            let text = format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z");
            proptest::prop_assert_eq!(plain(&text, Dialect::Kustomize), Value::String(text.clone()));
        }
    }
}
