//! Render errors: every one names the template file and, where there is one, the line.

/// Why a chart could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A template failed to compile or to render (or called `fail`/`required`).
    #[error("{file}:{line}: {message}{}", called_from(.stack))]
    Template {
        file: String,
        line: usize,
        message: String,
        /// Where the failing template or macro was called from, innermost first.
        stack: Vec<String>,
    },
    /// A rendered template is not a YAML stream.
    #[error("{file}: rendered output is not valid YAML: {message}")]
    ParseOutput { file: String, message: String },
    /// Rendering produced more text than the output cap allows.
    #[error("{location}: rendered output is over the limit of {limit} bytes")]
    OutputTooLarge {
        /// `file:line`, or the file alone when the line is unknown.
        location: String,
        limit: usize,
    },
    /// A value could not be turned into what the template context needs.
    #[error("{file}: {message}")]
    Context { file: String, message: String },
}

fn called_from(stack: &[String]) -> String {
    if stack.is_empty() {
        String::new()
    } else {
        format!(" (called from {})", stack.join(", "))
    }
}

/// A message written by the chart's author (`fail`, `required`): printed as it is.
#[derive(Debug)]
pub(super) struct AuthorMessage(pub String);

impl std::fmt::Display for AuthorMessage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for AuthorMessage {}

/// Builds a minijinja error carrying the author's own message.
pub(super) fn author_error(message: impl Into<String>) -> minijinja::Error {
    let message = message.into();
    minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, message.clone()).with_source(AuthorMessage(message))
}

/// Marks a failure inside a macro or `tpl` so the caller's line is recorded too.
pub(super) fn nested_error(what: String, inner: minijinja::Error) -> minijinja::Error {
    minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, what).with_source(inner)
}

/// Turns a minijinja error chain into one [`Error`]: the innermost location with its
/// message, then the locations it was called from. Frames in `hidden` templates (the
/// per-template drivers) are skipped.
pub(super) fn from_jinja(err: &minijinja::Error, fallback_file: &str, is_hidden: impl Fn(&str) -> bool) -> Error {
    let mut frames: Vec<(Option<String>, Option<usize>)> = Vec::new();
    let mut innermost: &minijinja::Error = err;
    let mut author: Option<String> = None;
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cur {
        if let Some(m) = e.downcast_ref::<AuthorMessage>() {
            author = Some(m.0.clone());
            break;
        }
        if let Some(je) = e.downcast_ref::<minijinja::Error>() {
            if !je.name().is_some_and(&is_hidden) {
                frames.push((je.name().map(str::to_string), je.line()));
            }
            innermost = je;
        }
        cur = e.source();
    }
    if let Some(limit) = output_limit(err) {
        let (file, line) = frames.last().cloned().unwrap_or((None, None));
        let file = file.unwrap_or_else(|| fallback_file.to_string());
        let location = match line {
            Some(l) => format!("{file}:{l}"),
            None => file,
        };
        return Error::OutputTooLarge { location, limit };
    }
    let message = author.unwrap_or_else(|| match innermost.detail() {
        Some(d) => format!("{}: {d}", innermost.kind()),
        None => innermost.kind().to_string(),
    });
    let mut located: Vec<(String, usize)> = frames
        .into_iter()
        .filter_map(|(n, l)| Some((n?, l.unwrap_or(0))))
        .collect();
    located.dedup();
    let (file, line) = located.pop().unwrap_or_else(|| (fallback_file.to_string(), 0));
    let stack = located.into_iter().rev().map(|(f, l)| format!("{f}:{l}")).collect();
    Error::Template {
        file,
        line,
        message,
        stack,
    }
}

/// The cap named by an output-limit failure, when that is what `err` is.
fn output_limit(err: &minijinja::Error) -> Option<usize> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cur {
        if let Some(cap) = e.downcast_ref::<super::limits::OverLimit>() {
            return Some(cap.0);
        }
        if let Some(io) = e.downcast_ref::<std::io::Error>()
            && let Some(cap) = io.get_ref().and_then(|x| x.downcast_ref::<super::limits::OverLimit>())
        {
            return Some(cap.0);
        }
        cur = e.source();
    }
    None
}
