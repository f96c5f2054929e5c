//! Flow built-ins: `default` (Helm's: empty counts as unset), `required`, `fail`, `tpl`,
//! `include` (a macro by name, from any file of the chart and its subcharts) and
//! `lookup` (always empty: rendering never talks to a cluster).

use std::sync::Arc;

use minijinja::value::{Kwargs, Object, ObjectRepr, Rest, Value};
use minijinja::{Environment, Error, State};

use super::super::engine::Shared;
use super::super::error::{author_error, nested_error};
use super::collections::is_empty;
use super::{filter, function, invalid};

/// The hidden variable holding the qualified macro names (`chart.macro`).
pub(in super::super) const QUALIFIED: &str = "__rudder_q";

pub(super) fn register(env: &mut Environment<'static>, shared: &Arc<Shared>) {
    filter(env, &["default", "d"], |v: &Value, d: Option<Value>| -> Value {
        if is_empty(v) {
            d.unwrap_or(Value::from(""))
        } else {
            v.clone()
        }
    });
    function(env, &["default"], |d: Value, v: Option<Value>| -> Value {
        match v {
            Some(v) if !is_empty(&v) => v,
            _ => d,
        }
    });
    filter(env, &["required"], |v: &Value, message: Option<String>| {
        required(v, message)
    });
    function(env, &["required"], |message: String, v: Option<Value>| {
        required(&v.unwrap_or_default(), Some(message))
    });
    function(env, &["fail"], |message: Option<Value>| -> Result<Value, Error> {
        Err(author_error(
            message
                .map(|m| super::t(&m))
                .unwrap_or_else(|| "fail called".to_string()),
        ))
    });
    function(env, &["lookup"], |_args: Rest<Value>| {
        Value::from_pairs(Vec::<(Value, Value)>::new())
    });
    function(env, &["include"], include);
    let s = shared.clone();
    function(env, &["tpl"], move |state: &State, text: &Value, ctx: Option<Value>| {
        s.tpl(state, &super::t(text), ctx)
    });
    let s = shared.clone();
    filter(env, &["tpl"], move |state: &State, text: &Value, ctx: Option<Value>| {
        s.tpl(state, &super::t(text), ctx)
    });
    function(env, &["__rudder_macro"], macro_wrapper);
}

/// Helm's `required`: fails with the author's message when the value is missing, none
/// or an empty string.
fn required(v: &Value, message: Option<String>) -> Result<Value, Error> {
    let missing = v.is_undefined() || v.is_none() || v.as_str().is_some_and(str::is_empty);
    if missing {
        Err(author_error(
            message.unwrap_or_else(|| "a required value is missing".to_string()),
        ))
    } else {
        Ok(v.clone())
    }
}

/// Wraps a macro so a failure inside it also records the line that called it.
pub fn macro_wrapper(m: Value, name: String) -> Value {
    if m.is_undefined() {
        return Value::UNDEFINED;
    }
    Value::from_object(MacroRef { inner: m, name })
}

/// A macro seen through [`macro_wrapper`].
#[derive(Debug)]
struct MacroRef {
    inner: Value,
    name: String,
}

impl Object for MacroRef {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Plain
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.inner.get_attr(key.as_str()?).ok()
    }

    fn call(self: &Arc<Self>, state: &mut State<'_, '_>, args: &[Value]) -> Result<Value, Error> {
        self.inner
            .call(state, args)
            .map_err(|e| nested_error(format!("in macro {}", self.name), e))
    }

    fn render(self: &Arc<Self>, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<macro {}>", self.name)
    }
}

/// The macro `name` visible from the current template: `chart.macro` names any chart's
/// macro, a bare name the nearest one.
pub fn lookup_macro(state: &State, name: &str) -> Option<Value> {
    if let Some(q) = state.lookup(QUALIFIED)
        && let Ok(m) = q.get_attr(name)
        && !m.is_undefined()
    {
        return Some(m);
    }
    if name.contains('.') {
        return None;
    }
    state.lookup(name).filter(|m| m.as_object().is_some())
}

/// `include("name", args...)`: calls a macro by name and returns its text. Extra
/// arguments beyond what the macro declares are dropped, so Helm's habit of passing the
/// context (`include("app.labels", ctx)`) works with a macro that takes none.
fn include(state: &mut State, name: &str, args: Rest<Value>, kwargs: Kwargs) -> Result<Value, Error> {
    let m = lookup_macro(state, name).ok_or_else(|| invalid(format!("include: no macro named {name:?}")))?;
    let mut args = args.0;
    if let Ok(declared) = m.get_attr("arguments")
        && let Some(n) = declared.len()
    {
        args.truncate(n);
    }
    if kwargs.args().next().is_some() {
        args.push(Value::from(kwargs));
    }
    m.call(state, &args)
}
