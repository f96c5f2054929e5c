//! The `--set` grammar, shared by `--set`, `--set-string`, `--set-json`, `--set-file` and
//! `--set-literal`, with Helm's semantics.
//!
//! ```text
//! args    := pair (',' pair)* ','?
//! pair    := key '=' value
//! key     := name ('.' name | '[' index ']')*      (at most 30 levels of '.')
//! value   := '{' item (',' item)* '}' | text        (a list, or text up to the next ',')
//! ```
//! - `\` escapes the next character in names and values (`a\.b=1` sets the key `a.b`);
//! - `--set` types a value: `true`/`false`/`null` in any case, a decimal int64 not starting
//!   with `0` (or `0` itself); anything else, floats included, is a string; an empty value
//!   is the empty string (`a=` and `a=,`), `a={}` is `[""]`;
//! - indexes fill the gaps with null (`a[2]=x` is `[null, null, x]`), at most 65536;
//! - a name used as a mapping where a list or scalar is (or the reverse) is an error, as is
//!   a name without `=value`, a list without `}`, a negative or non-numeric index, and
//!   text between `]` and the next `.`, `[` or `=`;
//! - `--set-string` keeps every value a string; `--set-json` reads one JSON value after `=`
//!   (empty means null); `--set-file` reads the named file's text; `--set-literal` takes
//!   everything after the first `=` as is (no escapes, no lists, commas included) and its
//!   names have no escapes either.

use crate::yaml::{Map, Value};

/// How values after `=` are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `--set`: typed scalars.
    Typed,
    /// `--set-string`: strings.
    String,
    /// `--set-json`: JSON values.
    Json,
    /// `--set-file`: file contents (paths relative to the current directory).
    File,
    /// `--set-literal`: the rest of the argument.
    Literal,
}

/// The deepest `a.b.c...` nesting accepted.
const MAX_NESTED: usize = 30;
/// The largest list index accepted.
const MAX_INDEX: i64 = 65536;

/// A malformed argument or a type clash.
#[derive(Debug, thiserror::Error, PartialEq)]
#[error("{0}")]
pub struct StrvalsError(pub String);

/// Parses `arg` into `dest` (which may already hold values, e.g. from `-f` files).
///
/// # Errors
/// See the module rules; the message names the key.
pub fn parse_into(arg: &str, dest: &mut Map, mode: Mode) -> Result<(), StrvalsError> {
    let mut p = Parser {
        s: arg.chars().collect(),
        i: 0,
        mode,
    };
    loop {
        match p.key(dest, 0) {
            Ok(()) => {}
            Err(Stop::Eof) => return Ok(()),
            Err(Stop::Fail(m)) => return Err(StrvalsError(m)),
        }
    }
}

/// Parses `arg` into a new mapping with `--set` typing.
///
/// # Errors
/// As [`parse_into`].
pub fn parse(arg: &str) -> Result<Map, StrvalsError> {
    let mut m = Map::default();
    parse_into(arg, &mut m, Mode::Typed)?;
    Ok(m)
}

/// Why parsing stopped: the end of input (fine between pairs) or an error.
enum Stop {
    Eof,
    Fail(String),
}

fn fail<T>(msg: String) -> Result<T, Stop> {
    Err(Stop::Fail(msg))
}

struct Parser {
    s: Vec<char>,
    i: usize,
    mode: Mode,
}

/// Types a `--set` value (see the module rules).
pub fn typed(text: &str) -> Value {
    if text.eq_ignore_ascii_case("true") {
        return Value::Bool(true);
    }
    if text.eq_ignore_ascii_case("false") {
        return Value::Bool(false);
    }
    if text.eq_ignore_ascii_case("null") {
        return Value::Null;
    }
    if text == "0" {
        return Value::Int(0);
    }
    if !text.is_empty() && !text.starts_with('0') {
        let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
        if !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit())
            && let Ok(i) = text.parse::<i64>()
        {
            return Value::Int(i);
        }
    }
    Value::String(text.to_string())
}

impl Parser {
    fn literal(&self) -> bool {
        self.mode == Mode::Literal
    }

    /// Reads up to one of `stops`, unescaping `\x` (except in literal mode). Returns the text
    /// and the stop found, or `None` at the end of input.
    fn until(&mut self, stops: &[char]) -> (String, Option<char>) {
        let mut out = String::new();
        while self.i < self.s.len() {
            let c = self.s[self.i];
            self.i += 1;
            if stops.contains(&c) {
                return (out, Some(c));
            }
            if c == '\\' && !self.literal() {
                if self.i >= self.s.len() {
                    return (out, None);
                }
                out.push(self.s[self.i]);
                self.i += 1;
            } else {
                out.push(c);
            }
        }
        (out, None)
    }

    fn read_value(&self, text: String) -> Result<Value, Stop> {
        match self.mode {
            Mode::Typed => Ok(typed(&text)),
            Mode::String | Mode::Literal => Ok(Value::String(text)),
            Mode::File => match fs_err::read(&text) {
                Ok(bytes) => Ok(Value::String(String::from_utf8_lossy(&bytes).into_owned())),
                Err(e) => fail(format!("reading file '{text}': {}", crate::chart::io_message(&e))),
            },
            Mode::Json => unreachable!("JSON values are read by json_value"),
        }
    }

    fn key(&mut self, data: &mut Map, level: usize) -> Result<(), Stop> {
        let stops: &[char] = if self.literal() {
            &['=', '[', '.']
        } else {
            &['=', '[', ',', '.']
        };
        let (k, last) = self.until(stops);
        match last {
            None if k.is_empty() => Err(Stop::Eof),
            None => fail(format!("key \"{k}\" has no value")),
            Some('[') => {
                let idx = self.index()?;
                let list = match data.get(&k) {
                    None => Vec::new(),
                    Some(Value::Seq(l)) => l.clone(),
                    Some(other) => {
                        return fail(format!("key \"{k}\" is {}, not a list", other.type_name()));
                    }
                };
                let (list, res) = self.list_item(list, idx, level);
                set(data, &k, Value::Seq(list));
                res
            }
            Some('=') => {
                let (v, eof) = self.assign()?;
                set(data, &k, v);
                if eof { Err(Stop::Eof) } else { Ok(()) }
            }
            Some(',') => fail(format!("key \"{k}\" has no value (cannot end with ,)")),
            Some(_) => {
                let level = level + 1;
                if level > MAX_NESTED {
                    return fail(format!(
                        "value name nested level is greater than maximum supported nested level of {MAX_NESTED}"
                    ));
                }
                let mut inner = match data.get_mut(&k) {
                    None => Map::default(),
                    Some(Value::Map(m)) => std::mem::take(m),
                    Some(other) => {
                        return fail(format!("key \"{k}\" is {}, not a mapping", other.type_name()));
                    }
                };
                let res = self.key(&mut inner, level);
                let empty = inner.is_empty();
                if !empty {
                    set(data, &k, Value::Map(inner));
                } else if data.contains_key(&k) {
                    // Put back what was taken (an empty mapping stays empty).
                    set(data, &k, Value::Map(inner));
                }
                match res {
                    Ok(()) if empty => fail(format!("key map \"{k}\" has no value")),
                    other => other,
                }
            }
        }
    }

    /// The value after `=`, and whether the input ended right after `=`.
    fn assign(&mut self) -> Result<(Value, bool), Stop> {
        match self.mode {
            Mode::Json => {
                if self.empty_value() {
                    return Ok((Value::Null, false));
                }
                Ok((self.json_value()?, false))
            }
            Mode::Literal => {
                let rest: String = self.s[self.i..].iter().collect();
                self.i = self.s.len();
                Ok((Value::String(rest), false))
            }
            _ => {
                if self.i >= self.s.len() {
                    return Ok((Value::String(String::new()), true));
                }
                if self.s[self.i] == '{' {
                    self.i += 1;
                    return Ok((self.value_list()?, false));
                }
                let (text, _) = self.until(&[',']);
                Ok((self.read_value(text)?, false))
            }
        }
    }

    fn value_list(&mut self) -> Result<Value, Stop> {
        let mut out = Vec::new();
        loop {
            let (text, last) = self.until(&[',', '}']);
            match last {
                None => return fail("list must terminate with '}'".into()),
                Some('}') => {
                    if self.i < self.s.len() && self.s[self.i] == ',' {
                        self.i += 1;
                    }
                    out.push(self.read_value(text)?);
                    return Ok(Value::Seq(out));
                }
                Some(_) => out.push(self.read_value(text)?),
            }
        }
    }

    /// Skips blanks; true (and past a comma) when the value is empty.
    fn empty_value(&mut self) -> bool {
        while self.i < self.s.len() {
            let c = self.s[self.i];
            self.i += 1;
            if c == ',' {
                return true;
            }
            if !c.is_whitespace() {
                self.i -= 1;
                return false;
            }
        }
        true
    }

    /// Reads one JSON value and moves past it. As Go's JSON decoder, a value ends where
    /// its syntax ends, even when other text follows at once (`1x` is 1, then `x`).
    fn json_value(&mut self) -> Result<Value, Stop> {
        let rest: String = self.s[self.i..].iter().collect();
        let mut stream = serde_json::Deserializer::from_str(&rest).into_iter::<serde_json::Value>();
        let (v, consumed_bytes) = match stream.next() {
            Some(Ok(v)) => (v, stream.byte_offset()),
            Some(Err(e)) if e.to_string().starts_with("trailing characters") => {
                let end = byte_offset(&rest, e.line(), e.column()).saturating_sub(1);
                match serde_json::from_str(&rest[..end]) {
                    Ok(v) => (v, end),
                    Err(e) => return fail(format!("invalid JSON: {e}")),
                }
            }
            Some(Err(e)) => return fail(format!("invalid JSON: {e}")),
            None => return fail("invalid JSON: no value".into()),
        };
        self.i += rest[..consumed_bytes].chars().count();
        self.empty_value();
        Ok(Value::from_json(&v))
    }

    fn index(&mut self) -> Result<i64, Stop> {
        let (text, last) = self.until(&[']']);
        if last.is_none() {
            // Helm treats input ending inside an index as the end of input (nothing set).
            return Err(Stop::Eof);
        }
        text.parse::<i64>()
            .map_err(|_| Stop::Fail(format!("error parsing index: '{text}' is not a number")))
    }

    /// Sets the item at `idx` from what follows `]`. Returns the list (changed or not) and
    /// how parsing stopped.
    fn list_item(&mut self, mut list: Vec<Value>, idx: i64, level: usize) -> (Vec<Value>, Result<(), Stop>) {
        if idx < 0 {
            return (list, fail(format!("negative {idx} index not allowed")));
        }
        let (k, last) = self.until(&['[', '.', '=']);
        if !k.is_empty() {
            return (list, fail(format!("unexpected data at end of array index: '{k}'")));
        }
        match last {
            None => (list, Err(Stop::Eof)),
            Some('=') => match self.assign() {
                Ok((v, _)) => set_index(list, idx, v),
                Err(e) => (list, Err(e)),
            },
            Some('[') => {
                let next = match self.index() {
                    Ok(n) => n,
                    Err(e) => return (list, Err(e)),
                };
                let current = match list.get(idx as usize) {
                    None | Some(Value::Null) => Vec::new(),
                    Some(Value::Seq(l)) => l.clone(),
                    Some(other) => {
                        let msg = format!("index {idx} is {}, not a list", other.type_name());
                        return (list, fail(msg));
                    }
                };
                let (inner, res) = self.list_item(current, next, level);
                if res.is_err() {
                    return (list, res);
                }
                set_index(list, idx, Value::Seq(inner))
            }
            Some(_) => {
                let exists = (idx as usize) < list.len();
                let mut inner = match list.get_mut(idx as usize) {
                    Some(Value::Map(m)) => std::mem::take(m),
                    _ => Map::default(),
                };
                let res = self.key(&mut inner, level);
                if res.is_err() {
                    if exists {
                        list[idx as usize] = Value::Map(inner);
                    }
                    return (list, res);
                }
                set_index(list, idx, Value::Map(inner))
            }
        }
    }
}

/// The byte offset of a 1-based line and column (serde_json counts columns in bytes).
fn byte_offset(text: &str, line: usize, column: usize) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (line_start + column).min(text.len())
}

fn set(data: &mut Map, key: &str, value: Value) {
    if !key.is_empty() {
        data.insert(key.to_string(), value);
    }
}

fn set_index(mut list: Vec<Value>, idx: i64, value: Value) -> (Vec<Value>, Result<(), Stop>) {
    if idx > MAX_INDEX {
        return (
            list,
            fail(format!(
                "index of {idx} is greater than maximum supported index of {MAX_INDEX}"
            )),
        );
    }
    let idx = idx as usize;
    if list.len() <= idx {
        list.resize(idx + 1, Value::Null);
    }
    list[idx] = value;
    (list, Ok(()))
}

/// Prints a mapping of scalars, lists of scalars and nested mappings back as one `--set`
/// argument (keys and strings escaped), for the round-trip law in tests and for messages.
pub fn to_set_arg(m: &Map) -> String {
    fn esc(s: &str, extra: &[char]) -> String {
        let mut out = String::new();
        for c in s.chars() {
            if c == '\\' || c == ',' || c == '=' || c == '.' || c == '[' || c == '{' || c == '}' || extra.contains(&c) {
                out.push('\\');
            }
            out.push(c);
        }
        out
    }
    fn scalar(v: &Value) -> String {
        match v {
            Value::Null => "null".into(),
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            Value::String(s) => esc(s, &[]),
            _ => String::new(),
        }
    }
    fn walk(prefix: &str, m: &Map, out: &mut Vec<String>) {
        for (k, v) in m {
            let key = format!("{prefix}{}", esc(k, &[]));
            match v {
                Value::Map(inner) => walk(&format!("{key}."), inner, out),
                Value::Seq(items) => {
                    let parts: Vec<String> = items.iter().map(scalar).collect();
                    out.push(format!("{key}={{{}}}", parts.join(",")));
                }
                other => out.push(format!("{key}={}", scalar(other))),
            }
        }
    }
    let mut out = Vec::new();
    walk("", m, &mut out);
    out.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{Dialect, parse_stream};

    fn yaml(text: &str) -> Map {
        match parse_stream(text, Dialect::Helm, "t").unwrap().remove(0).value {
            Value::Map(m) => m,
            _ => Map::default(),
        }
    }

    fn ok(arg: &str, want: &str) {
        assert_eq!(parse(arg).unwrap_or_else(|e| panic!("{arg}: {e}")), yaml(want), "{arg}");
    }

    #[test]
    fn grammar() {
        ok("name=value", "name: value");
        ok("long_int_string=1234567890", "long_int_string: 1234567890");
        ok("boolean=true,b2=FALSE,nv=NuLL", "{boolean: true, b2: false, nv: null}");
        ok("leading_zeros=00009", "leading_zeros: '00009'");
        ok("zero=0,neg=-5,plus=+5", "{zero: 0, neg: -5, plus: 5}");
        ok("float=1.5", "float: '1.5'");
        ok("big=9223372036854775808", "big: '9223372036854775808'");
        ok("a=,b=", "{a: '', b: ''}");
        ok("a=1,", "a: 1");
        ok("outer.inner=value", "outer: {inner: value}");
        ok("list={a,b,c}", "list: [a, b, c]");
        ok("list={},x=1", "{list: [''], x: 1}");
        ok("list={1,2},w=z", "{list: [1, 2], w: z}");
        ok("a[0]=x,a[2]=z", "a: [x, null, z]");
        ok("a[1].b=1,a[1].c=2", "a: [null, {b: 1, c: 2}]");
        ok("a[0][1]=x", "a: [[null, x]]");
        ok(r"a\.b=c\,d\=e", "{'a.b': 'c,d=e'}");
        ok(r"name=one\,two,three=four", "{name: 'one,two', three: four}");
        ok("a.b.c=1,a.b.d=2", "a: {b: {c: 1, d: 2}}");
        ok("a.b=", "a: {b: ''}");
        ok("a=x=y", "a: x=y");
        ok("a=1,b[2", "a: 1");
    }

    #[test]
    fn errors() {
        for bad in [
            "name",
            "name1=value1,name2",
            "name1,name2=",
            "a={x,y",
            "a[-1]=x",
            "a[x]=y",
            "a[0]b=c",
            "a[1]x",
            "a[65537]=x",
            "a=1,a.b=2",
            "a.b=1,a[0]=2",
            "a.=1",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        let deep = format!("{}=1", vec!["a"; 32].join("."));
        assert!(parse(&deep).is_err());
    }

    #[test]
    fn modes() {
        let mut m = Map::default();
        parse_into("a=1,b=true,c={1}", &mut m, Mode::String).unwrap();
        assert_eq!(m, yaml("{a: '1', b: 'true', c: ['1']}"));
        let mut m = Map::default();
        parse_into(r#"a={"x":[1,"y"]},b=,c= 2 ,d[1]=null"#, &mut m, Mode::Json).unwrap();
        assert_eq!(m, yaml("{a: {x: [1, 'y']}, b: null, c: 2, d: [null, null]}"));
        let mut m = Map::default();
        parse_into("a=1x=2,b=truez=[3]", &mut m, Mode::Json).unwrap();
        assert_eq!(m, yaml("{a: 1, x: 2, b: true, z: [3]}"));
        let mut m = Map::default();
        parse_into(r"a.b=x,y=z\.w", &mut m, Mode::Literal).unwrap();
        assert_eq!(m, yaml(r"{a: {b: 'x,y=z\.w'}}"));
    }

    fn scalar() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        prop_oneof![
            any::<i64>().prop_map(Value::Int),
            any::<bool>().prop_map(Value::Bool),
            Just(Value::Null),
            "s[a-z0-9 ,.=\\\\{}\\[\\]_-]{0,8}".prop_map(Value::String),
        ]
    }

    fn tree() -> impl proptest::strategy::Strategy<Value = Map> {
        use proptest::prelude::*;
        let key = "[a-z][a-z0-9.,=_-]{0,6}";
        let leaf = prop_oneof![scalar(), proptest::collection::vec(scalar(), 1..4).prop_map(Value::Seq),];
        let value = leaf.prop_recursive(3, 16, 4, move |inner| {
            proptest::collection::vec((key, inner), 1..4).prop_map(|kv| Value::Map(kv.into_iter().collect()))
        });
        proptest::collection::vec((key, value), 1..5).prop_map(|kv| kv.into_iter().collect())
    }

    proptest::proptest! {
        #[test]
        fn set_parses_back_to_what_it_prints(m in tree()) {
            let printed = to_set_arg(&m);
            let back = parse(&printed).map_err(|e| proptest::test_runner::TestCaseError::fail(format!("{printed}: {e}")))?;
            proptest::prop_assert_eq!(back, m, "{}", printed);
        }
    }

    #[test]
    fn into_existing_values() {
        let mut m = yaml("a: {x: 1}\nl: [1, 2]\n");
        parse_into("a.z=2,l[1]=3", &mut m, Mode::Typed).unwrap();
        assert_eq!(m, yaml("a: {x: 1, z: 2}\nl: [1, 3]\n"));
    }
}
