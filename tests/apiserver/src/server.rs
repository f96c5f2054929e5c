//! HTTP: routing of paths to discovery and resources, bearer-token checks, faults, watches, and
//! the hyper glue that serves connections on a listener.

use std::collections::HashMap;
use std::convert::Infallible;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::{Frame, Incoming};
use hyper::{Request, Response};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::{broadcast, mpsc};

use crate::api::{self, Call};
use crate::discovery;
use crate::faults::Action;
use crate::openapi;
use crate::selector::Selector;
use crate::status::{self, ApiError, Subject};
use crate::store::{Seen, State};
use crate::table;

/// What the connections share.
pub struct Shared {
    pub state: Mutex<State>,
    /// The bearer token clients must send, if any.
    pub token: Option<String>,
    /// `127.0.0.1:PORT`, for `/api`'s server address.
    pub addr: String,
}

impl Shared {
    pub fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// A response body: whole, or streamed (watches).
pub enum Body {
    Full(Option<Bytes>),
    Stream(mpsc::Receiver<Bytes>),
}

impl hyper::body::Body for Body {
    type Data = Bytes;
    type Error = Infallible;

    fn size_hint(&self) -> hyper::body::SizeHint {
        match self {
            Body::Full(b) => hyper::body::SizeHint::with_exact(b.as_ref().map_or(0, |b| b.len() as u64)),
            Body::Stream(_) => hyper::body::SizeHint::default(),
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, Body::Full(None))
    }

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        match self.get_mut() {
            Body::Full(b) => Poll::Ready(b.take().map(|b| Ok(Frame::data(b)))),
            Body::Stream(rx) => rx.poll_recv(cx).map(|o| o.map(|b| Ok(Frame::data(b)))),
        }
    }
}

/// The service's error: the connection is closed without an answer.
#[derive(Debug)]
pub struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by fault injection")
    }
}

impl std::error::Error for Dropped {}

fn json_response(code: u16, v: &Value) -> Response<Body> {
    let mut bytes = serde_json::to_vec(v).unwrap_or_default();
    bytes.push(b'\n');
    Response::builder()
        .status(code)
        .header("Content-Type", "application/json")
        .body(Body::Full(Some(Bytes::from(bytes))))
        .expect("valid response")
}

fn error_response(e: &ApiError) -> Response<Body> {
    let mut r = json_response(e.code, &e.body);
    if let Some(s) = e.retry_after {
        r.headers_mut().insert("Retry-After", s.into());
    }
    r
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => match (hex(b[i + 1]), hex(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn parse_query(q: Option<&str>) -> HashMap<String, String> {
    q.unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

/// Where a path leads.
enum Route {
    Json(Value),
    Text(&'static str),
    Resource {
        group: String,
        version: String,
        plural: String,
        namespace: Option<String>,
        name: Option<String>,
        sub: Option<String>,
    },
    NotFound,
    /// A path outside every served group and version: the real server's plain-text 404.
    PageNotFound,
}

fn route(state: &State, addr: &str, path: &str) -> Route {
    let segs: Vec<&str> = path.trim_matches('/').split('/').filter(|s| !s.is_empty()).collect();
    let (group, version, rest) = match segs.as_slice() {
        ["version"] => return Route::Json(discovery::version()),
        ["healthz" | "readyz" | "livez", ..] => return Route::Text("ok"),
        ["api"] => return Route::Json(discovery::core_versions(addr)),
        ["apis"] => return Route::Json(discovery::groups(&state.registry)),
        ["apis", g] => return discovery::group(&state.registry, g).map_or(Route::PageNotFound, Route::Json),
        ["api", v] => return discovery::resources(&state.registry, "", v).map_or(Route::PageNotFound, Route::Json),
        ["apis", g, v] => return discovery::resources(&state.registry, g, v).map_or(Route::PageNotFound, Route::Json),
        ["openapi", "v3"] => return Route::Json(openapi::root(&state.registry)),
        ["openapi", "v3", "api", v] => {
            return openapi::document(&state.registry, "", v).map_or(Route::NotFound, Route::Json);
        }
        ["openapi", "v3", "apis", g, v] => {
            return openapi::document(&state.registry, g, v).map_or(Route::NotFound, Route::Json);
        }
        ["api", v, rest @ ..] => ("", *v, rest),
        ["apis", g, v, rest @ ..] => (*g, *v, rest),
        _ => return Route::PageNotFound,
    };
    if discovery::resources(&state.registry, group, version).is_none() {
        return Route::PageNotFound;
    }
    let own = |s: &&str| s.to_string();
    let (namespace, plural, name, sub) = match rest {
        ["namespaces", ns, plural, tail @ ..] if !matches!(*plural, "status" | "finalize") => (
            Some(ns.to_string()),
            *plural,
            tail.first().map(own),
            tail.get(1).map(own),
        ),
        [plural, tail @ ..] => (None, *plural, tail.first().map(own), tail.get(1).map(own)),
        [] => return Route::NotFound,
    };
    if rest.len() > 5 || state.registry.find(group, version, plural).is_none() {
        return Route::NotFound;
    }
    Route::Resource {
        group: group.into(),
        version: version.into(),
        plural: plural.into(),
        namespace,
        name,
        sub,
    }
}

/// Serves connections from `listener` (over TLS when `tls` is set) until `shutdown` fires.
pub async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    tls: Option<tokio_rustls::TlsAcceptor>,
    mut shutdown: tokio::sync::oneshot::Receiver<()>,
) {
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((s, _)) => s,
                Err(_) => continue,
            },
            _ = &mut shutdown => return,
        };
        let shared = shared.clone();
        let tls = tls.clone();
        tokio::spawn(async move {
            match tls {
                Some(acceptor) => {
                    if let Ok(stream) = acceptor.accept(stream).await {
                        serve_connection(stream, shared).await;
                    }
                }
                None => serve_connection(stream, shared).await,
            }
        });
    }
}

async fn serve_connection<S>(stream: S, shared: Arc<Shared>)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let service = hyper::service::service_fn(move |req| handle(shared.clone(), req));
    let _ = hyper::server::conn::http1::Builder::new()
        .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
        .await;
}

async fn handle(shared: Arc<Shared>, req: Request<Incoming>) -> Result<Response<Body>, Dropped> {
    let method = req.method().as_str().to_string();
    let uri = req.uri().to_string();
    let path = req.uri().path().to_string();
    let query = parse_query(req.uri().query());
    let header = |n: &str| {
        req.headers()
            .get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let (content_type, user_agent, auth) = (header("content-type"), header("user-agent"), header("authorization"));
    let accept = header("accept");
    let is_write = matches!(method.as_str(), "POST" | "PUT" | "PATCH" | "DELETE");
    let (delay, action) = shared.lock().faults.decide(is_write, &path);
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let body = match req.into_body().collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => return Err(Dropped),
    };
    let record = |code: u16| {
        shared.lock().seen.push(Seen {
            method: method.clone(),
            uri: uri.clone(),
            code,
        })
    };
    if let Some(t) = &shared.token
        && auth.strip_prefix("Bearer ") != Some(t.as_str())
        && !path.ends_with("z")
    {
        record(401);
        return Ok(error_response(&status::unauthorized()));
    }
    let fault_error = |code: u16, name: &str, plural: &str, group: &str| -> ApiError {
        match code {
            409 => status::stale(Subject { group, plural, name }),
            503 => status::unavailable(),
            c => {
                let mut e = status::internal("injected fault");
                e.code = c;
                e.body["code"] = json!(c);
                e
            }
        }
    };
    match &action {
        Some(Action::Drop) => {
            record(0);
            return Err(Dropped);
        }
        Some(Action::TooManyRequests(s)) => {
            record(429);
            return Ok(error_response(&status::too_many_requests(*s)));
        }
        _ => {}
    }
    let response = {
        let mut state = shared.lock();
        state.tick();
        match route(&state, &shared.addr, &path) {
            Route::Json(v) => Ok(json_response(200, &v)),
            Route::Text(t) => Ok(Response::builder()
                .header("Content-Type", "text/plain; charset=utf-8")
                .body(Body::Full(Some(Bytes::from_static(t.as_bytes()))))
                .expect("valid response")),
            Route::NotFound => Ok(error_response(&status::no_such_path())),
            Route::PageNotFound => Ok(Response::builder()
                .status(404)
                .header("Content-Type", "text/plain; charset=utf-8")
                .body(Body::Full(Some(Bytes::from_static(b"404 page not found\n"))))
                .expect("valid response")),
            Route::Resource {
                group,
                version,
                plural,
                namespace,
                name,
                sub,
            } => {
                let res = state
                    .registry
                    .find(&group, &version, &plural)
                    .cloned()
                    .expect("routed to a served resource");
                if let Some(Action::Status(code)) = action {
                    Ok(error_response(&fault_error(
                        code,
                        name.as_deref().unwrap_or_default(),
                        &plural,
                        &group,
                    )))
                } else if method == "GET"
                    && name.is_none()
                    && query.get("watch").is_some_and(|w| w == "true" || w == "1")
                {
                    Err((res, namespace))
                } else {
                    let call = Call {
                        method: &method,
                        res,
                        namespace,
                        name,
                        sub,
                        query: &query,
                        content_type: &content_type,
                        body: &body,
                        user_agent: &user_agent,
                    };
                    let wants_table = accept.contains("as=Table") && method == "GET" && call.sub.is_none();
                    Ok(match api::handle(&mut state, &call) {
                        Ok((code, v)) if wants_table => {
                            json_response(code, &table::table(&call.res.kind, &v, state.rv()))
                        }
                        Ok((code, v)) => json_response(code, &v),
                        Err(e) => error_response(&e),
                    })
                }
            }
        }
    };
    let response = match response {
        Ok(r) => r,
        Err((res, namespace)) => watch(&shared, res, namespace, &query),
    };
    if action == Some(Action::DropAfter) {
        record(0);
        return Err(Dropped);
    }
    record(response.status().as_u16());
    Ok(response)
}

/// Streams watch events for one resource as JSON lines.
fn watch(
    shared: &Arc<Shared>,
    res: crate::resources::Resource,
    namespace: Option<String>,
    query: &HashMap<String, String>,
) -> Response<Body> {
    let labels = Selector::labels(query.get("labelSelector").map_or("", String::as_str));
    let fields = Selector::fields(query.get("fieldSelector").map_or("", String::as_str));
    let (Ok(labels), Ok(fields)) = (labels, fields) else {
        return error_response(&status::bad_request("invalid selector"));
    };
    let ns = if res.namespaced { namespace } else { None };
    let from = query
        .get("resourceVersion")
        .and_then(|v| v.parse::<u64>().ok())
        .filter(|v| *v > 0);
    let initial = query.get("sendInitialEvents").is_some_and(|v| v == "true");
    let timeout = query
        .get("timeoutSeconds")
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(1800);
    let api_version = res.api_version();
    let serve = |mut o: Value| {
        o["apiVersion"] = json!(api_version);
        o
    };
    let matches = |o: &Value| labels.matches_labels(o) && fields.matches_fields(o);
    let mut first: Vec<Value> = Vec::new();
    let (mut sub, rv) = {
        let state = shared.lock();
        let sub = state.tx.subscribe();
        if let Some(from) = from.filter(|_| !initial) {
            if from < state.oldest_rv() {
                let e = status::gone(from);
                return json_response(200, &json!({"type": "ERROR", "object": e.body}));
            }
            for e in state.events_after(from) {
                if e.group == res.group
                    && e.plural == res.plural
                    && ns.as_ref().is_none_or(|n| *n == e.namespace)
                    && matches(&e.object)
                {
                    first.push(json!({"type": e.kind, "object": serve(e.object.clone())}));
                }
            }
        } else {
            for o in state.list(&res.group, &res.plural, ns.as_deref()) {
                if matches(o) {
                    first.push(json!({"type": "ADDED", "object": serve(o.clone())}));
                }
            }
            if initial {
                first.push(json!({"type": "BOOKMARK", "object": {"kind": res.kind, "apiVersion": api_version,
                    "metadata": {"resourceVersion": state.rv().to_string(), "annotations": {"k8s.io/initial-events-end": "true"}}}}));
            }
        }
        (sub, state.rv())
    };
    let from = from.unwrap_or(rv).max(rv);
    let (tx, rx) = mpsc::channel::<Bytes>(256);
    let line = |v: &Value| {
        let mut b = serde_json::to_vec(v).unwrap_or_default();
        b.push(b'\n');
        Bytes::from(b)
    };
    let lines: Vec<Bytes> = first.iter().map(line).collect();
    tokio::spawn(async move {
        for l in lines {
            if tx.send(l).await.is_err() {
                return;
            }
        }
        let deadline = tokio::time::sleep(Duration::from_secs(timeout));
        tokio::pin!(deadline);
        loop {
            tokio::select! {
                ev = sub.recv() => match ev {
                    Ok(e) => {
                        if e.rv <= from || e.group != res.group || e.plural != res.plural
                            || ns.as_ref().is_some_and(|n| *n != e.namespace) || !(labels.matches_labels(&e.object) && fields.matches_fields(&e.object)) {
                            continue;
                        }
                        let mut o = e.object.clone();
                        o["apiVersion"] = json!(res.api_version());
                        if tx.send(line(&json!({"type": e.kind, "object": o}))).await.is_err() {
                            return;
                        }
                    }
                    Err(broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(broadcast::error::RecvError::Closed) => return,
                },
                _ = &mut deadline => return,
                _ = tx.closed() => return,
            }
        }
    });
    Response::builder()
        .header("Content-Type", "application/json")
        .body(Body::Stream(rx))
        .expect("valid response")
}
