//! The built-in filters and functions Helm chart authors use daily (Sprig's and Helm's),
//! registered on the environment.
//!
//! Naming: Helm's camelCase names (`toYaml`, `trimSuffix`, `hasKey`) with lowercase
//! aliases where Jinja users expect them (`toyaml`, `tojson`). Argument order: a filter
//! takes the piped value first (`name | trunc(63)`); a function takes Helm's order
//! (`trunc(63, name)`), so a Helm pipeline reads the same in Jinja.

pub mod collections;
mod control;
pub mod data;
mod semver;
pub mod text;

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use minijinja::value::{Kwargs, Rest, Value};
use minijinja::{Environment, Error, ErrorKind};

use super::convert::to_text;
use super::engine::Shared;

/// An "invalid operation" error with our message.
pub(super) fn invalid(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidOperation, message.into())
}

thread_local! {
    static REGEXES: RefCell<HashMap<String, regex::Regex>> = RefCell::new(HashMap::new());
}

/// Compiles a regex once per thread (templates call the same ones in loops).
pub(super) fn cached_regex(re: &str) -> Result<regex::Regex, Error> {
    REGEXES.with(|cache| {
        if let Some(r) = cache.borrow().get(re) {
            return Ok(r.clone());
        }
        let r = regex::Regex::new(re).map_err(|e| invalid(format!("bad regular expression {re:?}: {e}")))?;
        let mut cache = cache.borrow_mut();
        if cache.len() > 256 {
            cache.clear();
        }
        cache.insert(re.to_string(), r.clone());
        Ok(r)
    })
}

fn t(v: &Value) -> String {
    to_text(v)
}

/// Registers a filter under each name.
fn filter<F, Rv, Args>(env: &mut Environment<'static>, names: &[&'static str], f: F)
where
    F: minijinja::functions::Function<Rv, Args> + Clone,
    Rv: minijinja::value::FunctionResult,
    Args: for<'a> minijinja::value::FunctionArgs<'a>,
{
    for n in names {
        env.add_filter(*n, f.clone());
    }
}

/// Registers a function under each name.
fn function<F, Rv, Args>(env: &mut Environment<'static>, names: &[&'static str], f: F)
where
    F: minijinja::functions::Function<Rv, Args> + Clone,
    Rv: minijinja::value::FunctionResult,
    Args: for<'a> minijinja::value::FunctionArgs<'a>,
{
    for n in names {
        env.add_function(*n, f.clone());
    }
}

/// Adds every built-in to `env`.
pub(super) fn register(env: &mut Environment<'static>, shared: &Arc<Shared>) {
    register_text(env);
    register_data(env);
    register_collections(env);
    control::register(env, shared);
    semver::register(env);
}

fn register_text(env: &mut Environment<'static>) {
    filter(env, &["quote"], |v: &Value| text::quote(v));
    function(env, &["quote"], |args: Rest<Value>| text::quote_all(&args.0));
    filter(env, &["squote"], |v: &Value| text::squote(v));
    function(env, &["squote"], |args: Rest<Value>| text::squote_all(&args.0));
    filter(
        env,
        &["indent"],
        |v: &Value, width: usize, kw: Kwargs| -> Result<String, Error> {
            let first = kw.get::<Option<bool>>("first")?.unwrap_or(true);
            let blank = kw.get::<Option<bool>>("blank")?.unwrap_or(true);
            kw.assert_all_used()?;
            Ok(text::indent(&t(v), width, first, blank))
        },
    );
    function(env, &["indent"], |width: usize, v: &Value| {
        text::indent(&t(v), width, true, true)
    });
    filter(env, &["nindent"], |v: &Value, width: usize| {
        format!("\n{}", text::indent(&t(v), width, true, true))
    });
    function(env, &["nindent"], |width: usize, v: &Value| {
        format!("\n{}", text::indent(&t(v), width, true, true))
    });
    filter(env, &["trunc"], |v: &Value, n: i64| text::trunc(&t(v), n));
    function(env, &["trunc"], |n: i64, v: &Value| text::trunc(&t(v), n));
    filter(env, &["trimSuffix", "trim_suffix"], |v: &Value, s: &str| {
        let v = t(v);
        v.strip_suffix(s).unwrap_or(&v).to_string()
    });
    function(env, &["trimSuffix"], |s: &str, v: &Value| {
        let v = t(v);
        v.strip_suffix(s).unwrap_or(&v).to_string()
    });
    filter(env, &["trimPrefix", "trim_prefix"], |v: &Value, s: &str| {
        let v = t(v);
        v.strip_prefix(s).unwrap_or(&v).to_string()
    });
    function(env, &["trimPrefix"], |s: &str, v: &Value| {
        let v = t(v);
        v.strip_prefix(s).unwrap_or(&v).to_string()
    });
    filter(env, &["trimAll"], |v: &Value, chars: &str| {
        t(v).trim_matches(|c| chars.contains(c)).to_string()
    });
    function(env, &["trimAll"], |chars: &str, v: &Value| {
        t(v).trim_matches(|c| chars.contains(c)).to_string()
    });
    function(env, &["trim"], |v: &Value| t(v).trim().to_string());
    function(env, &["upper"], |v: &Value| t(v).to_uppercase());
    function(env, &["lower"], |v: &Value| t(v).to_lowercase());
    filter(env, &["title"], |v: &Value| text::title(&t(v)));
    function(env, &["title"], |v: &Value| text::title(&t(v)));
    function(env, &["replace"], |old: &str, new: &str, v: &Value| {
        t(v).replace(old, new)
    });
    filter(env, &["regexMatch", "regex_match"], |v: &Value, re: &str| {
        text::regex_match(&t(v), re)
    });
    function(env, &["regexMatch"], |re: &str, v: &Value| text::regex_match(&t(v), re));
    filter(
        env,
        &["regexReplaceAll", "regex_replace_all"],
        |v: &Value, re: &str, repl: &str| text::regex_replace_all(&t(v), re, repl),
    );
    function(env, &["regexReplaceAll"], |re: &str, v: &Value, repl: &str| {
        text::regex_replace_all(&t(v), re, repl)
    });
    filter(env, &["regexFind"], |v: &Value, re: &str| text::regex_find(&t(v), re));
    function(env, &["regexFind"], |re: &str, v: &Value| text::regex_find(&t(v), re));
    filter(env, &["regexFindAll"], |v: &Value, re: &str, n: Option<i64>| {
        text::regex_find_all(&t(v), re, n.unwrap_or(-1))
    });
    function(env, &["regexFindAll"], |re: &str, v: &Value, n: i64| {
        text::regex_find_all(&t(v), re, n)
    });
    filter(env, &["regexSplit"], |v: &Value, re: &str, n: Option<i64>| {
        text::regex_split(&t(v), re, n.unwrap_or(-1))
    });
    function(env, &["regexSplit"], |re: &str, v: &Value, n: i64| {
        text::regex_split(&t(v), re, n)
    });
    filter(env, &["b64enc"], |v: &Value| text::b64enc(&t(v)));
    function(env, &["b64enc"], |v: &Value| text::b64enc(&t(v)));
    filter(env, &["b64dec"], |v: &Value| text::b64dec(&t(v)));
    function(env, &["b64dec"], |v: &Value| text::b64dec(&t(v)));
    filter(env, &["sha256sum"], |v: &Value| text::sha256sum(&t(v)));
    function(env, &["sha256sum"], |v: &Value| text::sha256sum(&t(v)));
    function(env, &["printf"], |f: &str, args: Rest<Value>| text::printf(f, &args));
    filter(env, &["toString", "tostring"], |v: &Value| t(v));
    function(env, &["toString"], |v: &Value| t(v));
    filter(env, &["int", "int64", "atoi"], |v: &Value| text::to_int(v));
    function(env, &["int", "int64", "atoi"], |v: &Value| text::to_int(v));
    filter(env, &["float64"], |v: &Value| text::to_float(v));
    function(env, &["float64"], |v: &Value| text::to_float(v));
    filter(env, &["contains"], |v: &Value, sub: &str| t(v).contains(sub));
    function(env, &["contains"], |sub: &str, v: &Value| t(v).contains(sub));
    filter(env, &["hasPrefix"], |v: &Value, p: &str| t(v).starts_with(p));
    function(env, &["hasPrefix"], |p: &str, v: &Value| t(v).starts_with(p));
    filter(env, &["hasSuffix"], |v: &Value, p: &str| t(v).ends_with(p));
    function(env, &["hasSuffix"], |p: &str, v: &Value| t(v).ends_with(p));
    filter(env, &["repeat"], |v: &Value, n: i64| text::repeat(&t(v), n));
    function(env, &["repeat"], |n: i64, v: &Value| text::repeat(&t(v), n));
    filter(env, &["nospace"], |v: &Value| {
        t(v).chars().filter(|c| !c.is_whitespace()).collect::<String>()
    });
    filter(env, &["kebabcase"], |v: &Value| text::kebabcase(&t(v)));
    filter(env, &["snakecase"], |v: &Value| text::snakecase(&t(v)));
    filter(env, &["camelcase"], |v: &Value| text::camelcase(&t(v)));
    filter(env, &["splitList", "split_list"], |v: &Value, sep: &str| {
        t(v).split(sep).map(str::to_string).collect::<Vec<_>>()
    });
    function(env, &["splitList"], |sep: &str, v: &Value| {
        t(v).split(sep).map(str::to_string).collect::<Vec<_>>()
    });
    function(env, &["join"], |sep: &str, v: &Value| -> Result<String, Error> {
        Ok(v.try_iter()?.map(|x| t(&x)).collect::<Vec<_>>().join(sep))
    });
    function(env, &["cat"], |args: Rest<Value>| {
        args.0
            .iter()
            .filter(|v| !v.is_none() && !v.is_undefined())
            .map(t)
            .collect::<Vec<_>>()
            .join(" ")
    });
}

fn register_data(env: &mut Environment<'static>) {
    filter(env, &["toYaml", "toyaml", "to_yaml"], |v: &Value| data::to_yaml(v));
    function(env, &["toYaml", "toyaml"], |v: &Value| data::to_yaml(v));
    filter(env, &["toJson", "tojson", "to_json"], |v: &Value| data::to_json(v));
    function(env, &["toJson", "tojson"], |v: &Value| data::to_json(v));
    filter(env, &["toRawJson"], |v: &Value| data::to_raw_json(v));
    filter(env, &["toPrettyJson"], |v: &Value| data::to_pretty_json(v));
    filter(env, &["fromYaml", "fromyaml", "from_yaml"], |v: &Value| {
        data::from_yaml(&t(v))
    });
    function(env, &["fromYaml", "fromyaml"], |v: &Value| data::from_yaml(&t(v)));
    filter(env, &["fromYamlArray"], |v: &Value| data::from_yaml_array(&t(v)));
    filter(env, &["fromJson", "fromjson", "from_json"], |v: &Value| {
        data::from_json(&t(v))
    });
    function(env, &["fromJson", "fromjson"], |v: &Value| data::from_json(&t(v)));
}

fn register_collections(env: &mut Environment<'static>) {
    use collections as c;
    function(env, &["dict"], c::dict);
    function(env, &["list"], c::list);
    filter(env, &["hasKey", "has_key"], |d: &Value, k: &str| c::has_key(d, k));
    function(env, &["hasKey"], |d: &Value, k: &str| c::has_key(d, k));
    filter(env, &["keys"], |d: &Value| c::keys(std::slice::from_ref(d)));
    function(env, &["keys"], |ds: Rest<Value>| c::keys(&ds.0));
    filter(env, &["values"], |d: &Value| c::values(d));
    function(env, &["values"], |d: &Value| c::values(d));
    function(env, &["pluck"], |k: &str, ds: Rest<Value>| c::pluck(k, &ds.0));
    filter(env, &["set"], |d: &Value, k: &str, v: Value| c::set(d, k, v));
    function(env, &["set"], |d: &Value, k: &str, v: Value| c::set(d, k, v));
    filter(env, &["unset"], |d: &Value, k: &str| c::unset(d, k));
    function(env, &["unset"], |d: &Value, k: &str| c::unset(d, k));
    filter(env, &["get"], |d: &Value, k: &str| c::get(d, k));
    function(env, &["get"], |d: &Value, k: &str| c::get(d, k));
    filter(env, &["dig"], |d: &Value, args: Rest<Value>| -> Result<Value, Error> {
        let mut path = args.0;
        let default = path.pop().ok_or_else(|| invalid("dig: needs keys and a default"))?;
        c::dig(d, &path, default)
    });
    function(env, &["dig"], |args: Rest<Value>| -> Result<Value, Error> {
        let mut path = args.0;
        let d = path
            .pop()
            .ok_or_else(|| invalid("dig: needs keys, a default and a dictionary"))?;
        let default = path
            .pop()
            .ok_or_else(|| invalid("dig: needs keys, a default and a dictionary"))?;
        c::dig(&d, &path, default)
    });
    filter(env, &["merge"], |d: &Value, rest: Rest<Value>| {
        let mut all = vec![d.clone()];
        all.extend(rest.0);
        c::merge(&all, false)
    });
    function(env, &["merge"], |ds: Rest<Value>| c::merge(&ds.0, false));
    filter(env, &["mergeOverwrite"], |d: &Value, rest: Rest<Value>| {
        let mut all = vec![d.clone()];
        all.extend(rest.0);
        c::merge(&all, true)
    });
    function(env, &["mergeOverwrite"], |ds: Rest<Value>| c::merge(&ds.0, true));
    filter(env, &["deepCopy"], |v: Value| v);
    filter(env, &["append", "push"], |l: &Value, v: Value| c::append(l, v));
    function(env, &["append", "push"], |l: &Value, v: Value| c::append(l, v));
    filter(env, &["prepend"], |l: &Value, v: Value| c::prepend(l, v));
    function(env, &["prepend"], |l: &Value, v: Value| c::prepend(l, v));
    filter(env, &["concat"], |l: &Value, rest: Rest<Value>| {
        let mut all = vec![l.clone()];
        all.extend(rest.0);
        c::concat(&all)
    });
    function(env, &["concat"], |ls: Rest<Value>| c::concat(&ls.0));
    filter(env, &["has"], |l: &Value, needle: &Value| c::has(l, needle));
    function(env, &["has"], |needle: &Value, l: &Value| c::has(l, needle));
    filter(env, &["uniq"], |l: &Value| c::uniq(l));
    function(env, &["uniq"], |l: &Value| c::uniq(l));
    filter(env, &["without"], |l: &Value, drop: Rest<Value>| c::without(l, &drop.0));
    function(env, &["without"], |l: &Value, drop: Rest<Value>| c::without(l, &drop.0));
    function(env, &["first"], |l: &Value| c::first(l));
    function(env, &["last"], |l: &Value| c::last(l));
    filter(env, &["rest"], |l: &Value| c::rest(l));
    function(env, &["rest"], |l: &Value| c::rest(l));
    filter(env, &["initial"], |l: &Value| c::initial(l));
    function(env, &["initial"], |l: &Value| c::initial(l));
    filter(env, &["compact"], |l: &Value| c::compact(l));
    function(env, &["compact"], |l: &Value| c::compact(l));
    filter(env, &["sortAlpha"], |l: &Value| c::sort_alpha(l));
    function(env, &["sortAlpha"], |l: &Value| c::sort_alpha(l));
    filter(env, &["empty"], |v: &Value| c::is_empty(v));
    function(env, &["empty"], |v: &Value| c::is_empty(v));
    env.add_test("empty", |v: &Value| c::is_empty(v));
    function(env, &["coalesce"], |args: Rest<Value>| c::coalesce(&args.0));
    function(
        env,
        &["ternary"],
        |a: Value, b: Value, cond: &Value| if cond.is_true() { a } else { b },
    );
    filter(
        env,
        &["ternary"],
        |cond: &Value, a: Value, b: Value| if cond.is_true() { a } else { b },
    );
    function(env, &["until"], |n: i64| c::until_step(0, n, 1));
    filter(env, &["kindOf"], |v: &Value| c::kind_of(v));
    function(env, &["kindOf"], |v: &Value| c::kind_of(v));
    function(env, &["kindIs"], |k: &str, v: &Value| c::kind_of(v) == k);
    filter(env, &["kindIs"], |v: &Value, k: &str| c::kind_of(v) == k);
    function(env, &["typeOf"], |v: &Value| c::type_of(v));
    function(env, &["typeIs"], |t: &str, v: &Value| c::type_of(v) == t);
    function(env, &["untilStep"], |start: i64, stop: i64, step: i64| {
        c::until_step(start, stop, step)
    });
}
