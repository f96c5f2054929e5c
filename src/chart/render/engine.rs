//! The minijinja environment of one chart tree: every template of the chart and its
//! subcharts compiled once, with auto-escaping off, lenient (or strict) undefined values,
//! fuel, a recursion limit and the output cap; and the rendering of one template.
//!
//! Macros shared across files: each template to render starts (on its first line, so
//! line numbers stay the user's) with a hidden prologue that imports the macros of every
//! `_*` file of the chart tree and binds them by bare name (the template's own chart
//! first, then its subcharts, then its parents) and by `chart.macro` name for `include`.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::sync::Arc;

use minijinja::value::{Value, ValueKind};
use minijinja::{AutoEscape, Environment, Error as JError, ErrorKind, State, UndefinedBehavior};

use super::convert::with_text;
use super::error::{self, Error, nested_error};
use super::funcs;
use super::limits::{self, CappedWriter, Limits, OverLimit};
use super::tree::Node;

/// Names every template sees; a macro of the same name is not bound by bare name.
pub(super) const CONTEXT_NAMES: &[&str] = &[
    "Values",
    "Release",
    "Chart",
    "Capabilities",
    "Files",
    "Template",
    "__rudder_chart",
];

/// What the built-ins need to know about the chart tree.
pub(super) struct Shared {
    /// The hidden prologue of the templates of each node.
    prologues: Vec<String>,
    recursion: usize,
}

thread_local! {
    static TPL_DEPTH: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

impl Shared {
    /// `tpl(text, ctx)`: renders `text` with the calling template's context (and the
    /// entries of `ctx` on top), its macros included.
    pub(super) fn tpl(&self, state: &State, text: &str, ctx: Option<Value>) -> Result<String, JError> {
        let depth = TPL_DEPTH.with(|d| d.get());
        if depth >= self.recursion {
            return Err(funcs::invalid("tpl: nested too deeply"));
        }
        let node = state.lookup("__rudder_chart").and_then(|v| v.as_usize()).unwrap_or(0);
        let mut pairs: Vec<(Value, Value)> = CONTEXT_NAMES
            .iter()
            .filter_map(|n| state.lookup(n).map(|v| (Value::from(*n), v)))
            .collect();
        if let Some(ctx) = ctx.filter(|c| c.kind() == ValueKind::Map) {
            for k in ctx.try_iter()? {
                let v = ctx.get_item(&k)?;
                match pairs.iter_mut().find(|(pk, _)| *pk == k) {
                    Some(slot) => slot.1 = v,
                    None => pairs.push((k, v)),
                }
            }
        }
        let source = format!("{}{text}", self.prologues.get(node).map(String::as_str).unwrap_or(""));
        let name = format!("{} (tpl)", state.name());
        TPL_DEPTH.with(|d| d.set(depth + 1));
        let rv = state.env().render_named_str(&name, &source, Value::from_pairs(pairs));
        TPL_DEPTH.with(|d| d.set(depth));
        rv.map_err(|e| nested_error("in tpl".to_string(), e))
    }
}

/// A chart tree's compiled templates.
pub(super) struct Engine {
    env: Environment<'static>,
    limits: Limits,
}

/// Settings that shape the environment.
pub(super) struct EngineOptions {
    pub strict: bool,
    pub limits: Limits,
}

impl Engine {
    /// Compiles every template of the tree.
    ///
    /// # Errors
    /// A template that does not compile, with its file and line.
    pub(super) fn new(nodes: &[Node], opts: &EngineOptions) -> Result<Engine, Error> {
        let prologues = prologues(nodes);
        let shared = Arc::new(Shared {
            prologues: prologues.clone(),
            recursion: opts.limits.recursion,
        });
        let mut env = Environment::new();
        env.set_auto_escape_callback(|_| AutoEscape::None);
        env.set_undefined_behavior(if opts.strict {
            UndefinedBehavior::Strict
        } else {
            UndefinedBehavior::Chainable
        });
        env.set_fuel(Some(opts.limits.fuel));
        env.set_recursion_limit(opts.limits.recursion);
        let syntax = minijinja::syntax::SyntaxConfig::builder()
            .keep_trailing_newline(true)
            .build()
            .expect("default delimiters are valid");
        env.set_syntax(syntax);
        let cap = opts.limits.output_bytes;
        let budget = Arc::new(limits::Budget::new(cap));
        env.set_formatter(move |out, _state, value| {
            with_text(value, |text| {
                if !budget.spend(text.len()) {
                    return Err(
                        JError::new(ErrorKind::InvalidOperation, "output too large").with_source(OverLimit(cap))
                    );
                }
                out.write_str(text)
                    .map_err(|_| JError::new(ErrorKind::WriteFailure, "cannot write output"))
            })
        });
        let names: Arc<HashSet<String>> = Arc::new(
            nodes
                .iter()
                .flat_map(|n| {
                    n.chart
                        .templates
                        .iter()
                        .map(move |t| format!("{}/{}", n.prefix, t.name))
                })
                .collect(),
        );
        let known = names.clone();
        env.set_path_join_callback(move |name, parent| {
            if known.contains(name) {
                return name.to_string().into();
            }
            match parent.rsplit_once('/') {
                Some((dir, _)) => format!("{dir}/{}", name.trim_start_matches("./")).into(),
                None => name.to_string().into(),
            }
        });
        funcs::register(&mut env, &shared);
        for (i, node) in nodes.iter().enumerate() {
            for t in &node.chart.templates {
                let name = format!("{}/{}", node.prefix, t.name);
                let text = String::from_utf8_lossy(&t.data);
                let source = if is_partial(&t.name) {
                    text.into_owned()
                } else {
                    format!("{}{text}", prologues[i])
                };
                env.add_template_owned(name.clone(), source)
                    .map_err(|e| error::from_jinja(&e, &name, |_| false))?;
            }
        }
        Ok(Engine {
            env,
            limits: opts.limits,
        })
    }

    /// Renders one template with `ctx`.
    ///
    /// # Errors
    /// Any template error, with file and line.
    pub(super) fn render(&self, name: &str, ctx: Value) -> Result<String, Error> {
        let tmpl = self
            .env
            .get_template(name)
            .map_err(|e| error::from_jinja(&e, name, |_| false))?;
        let mut buf = Vec::new();
        let writer = CappedWriter {
            out: &mut buf,
            cap: self.limits.output_bytes,
        };
        tmpl.render_captured_to(ctx, writer)
            .map_err(|e| error::from_jinja(&e, name, |_| false))?;
        String::from_utf8(buf).map_err(|_| Error::Context {
            file: name.to_string(),
            message: "rendered output is not UTF-8".to_string(),
        })
    }
}

/// Files named `_*` hold macros and produce no output.
pub(super) fn is_partial(name: &str) -> bool {
    name.rsplit('/').next().is_some_and(|b| b.starts_with('_'))
}

/// Top-level macro names defined in a template's source.
fn macro_names(source: &str) -> Vec<String> {
    thread_local! {
        static RE: regex::Regex = regex::Regex::new(r"\{%[-+]?\s*macro\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(").expect("valid regex");
    }
    RE.with(|re| re.captures_iter(source).map(|c| c[1].to_string()).collect())
}

/// The prologue of each node's templates (see the module comment).
fn prologues(nodes: &[Node]) -> Vec<String> {
    // Every partial of the tree: (node, template name, macro names).
    let mut partials: Vec<(usize, String, Vec<String>)> = Vec::new();
    for (i, n) in nodes.iter().enumerate() {
        for t in &n.chart.templates {
            if is_partial(&t.name) {
                let names = macro_names(&String::from_utf8_lossy(&t.data));
                if !names.is_empty() {
                    partials.push((i, format!("{}/{}", n.prefix, t.name), names));
                }
            }
        }
    }
    if partials.is_empty() {
        return vec![String::new(); nodes.len()];
    }
    (0..nodes.len())
        .map(|i| {
            let mut out = String::new();
            for (k, (_, name, _)) in partials.iter().enumerate() {
                let _ = write!(out, "{{% import {name:?} as __rudder_m{k} %}}");
            }
            let mut bound: HashSet<String> = CONTEXT_NAMES.iter().map(|s| s.to_string()).collect();
            for node in precedence(nodes, i) {
                for (k, (owner, _, names)) in partials.iter().enumerate() {
                    if *owner != node {
                        continue;
                    }
                    for m in names {
                        if bound.insert(m.clone()) {
                            let _ = write!(out, "{{% set {m} = __rudder_macro(__rudder_m{k}.{m}, {m:?}) %}}");
                        }
                    }
                }
            }
            out.push_str("{% set __rudder_q = {");
            for (k, (owner, _, names)) in partials.iter().enumerate() {
                for m in names {
                    let q = format!("{}.{m}", nodes[*owner].chart.name());
                    let _ = write!(out, "{q:?}: __rudder_macro(__rudder_m{k}.{m}, {q:?}), ");
                }
            }
            out.push_str("} %}");
            out
        })
        .collect()
}

/// The nodes whose macros a template of node `i` sees by bare name, nearest first: its
/// own chart, its subcharts (depth first), then its parents.
fn precedence(nodes: &[Node], i: usize) -> Vec<usize> {
    let mut order = Vec::new();
    let mut stack = vec![i];
    while let Some(n) = stack.pop() {
        order.push(n);
        for c in nodes[n].children.iter().rev() {
            stack.push(*c);
        }
    }
    let mut p = nodes[i].parent;
    while let Some(n) = p {
        order.push(n);
        p = nodes[n].parent;
    }
    order
}
