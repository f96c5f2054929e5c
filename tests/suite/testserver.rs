//! The API test server (tests/apiserver): its answers compared with the real API server's
//! (recorded by tests/apiserver/scripts/record-real.sh), its fault injection and readiness knob.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use rudder_testserver::{Action, Fault, Options, TestServer, When};
use serde_json::{Value, json};

use crate::support::root;

/// One HTTP/1.1 exchange on a fresh connection: (code, headers, body), or the I/O error of a
/// connection closed without an answer.
fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    content_type: Option<&str>,
    body: &[u8],
) -> std::io::Result<(u16, String, Vec<u8>)> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    if let Some(ct) = content_type {
        req.push_str(&format!("Content-Type: {ct}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes())?;
    s.write_all(body)?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw);
    let Some((head, rest)) = text.split_once("\r\n\r\n") else {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "connection closed without an answer",
        ));
    };
    let code = head.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    Ok((code, head.to_string(), rest.as_bytes().to_vec()))
}

fn call(srv: &TestServer, method: &str, path: &str, content_type: Option<&str>, body: &Value) -> (u16, Value) {
    let bytes = if body.is_null() {
        Vec::new()
    } else {
        serde_json::to_vec(body).unwrap()
    };
    let (code, _, out) = http(srv.addr(), method, path, content_type, &bytes).expect("an answer");
    let body =
        serde_json::from_slice(&out).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&out).into_owned()));
    (code, body)
}

/// Replaces values that differ between any two runs (uids, times, resource versions) and drops
/// the managed-fields entries of the real cluster's controllers (the test server runs none).
fn normalize(v: &Value) -> Value {
    match v {
        // Managed-fields entries: sorted by operation and manager, as their times (which order
        // them within an operation) differ between runs.
        Value::Array(a) if a.iter().any(|e| e.get("manager").is_some()) => {
            let mut entries: Vec<Value> = a
                .iter()
                .filter(|e| e["manager"] != "kube-controller-manager")
                .map(normalize)
                .collect();
            entries.sort_by_key(|e| (e["operation"].to_string(), e["manager"].to_string()));
            Value::Array(entries)
        }
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, x)| {
                    let volatile = matches!(
                        k.as_str(),
                        "uid"
                            | "creationTimestamp"
                            | "time"
                            | "resourceVersion"
                            | "lastTransitionTime"
                            | "lastUpdateTime"
                    );
                    (k.clone(), if volatile { json!("<volatile>") } else { normalize(x) })
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(normalize).collect()),
        _ => v.clone(),
    }
}

#[test]
fn testserver_answers_probes_as_the_real_api_server_does() {
    let dir = root().join("tests/apiserver/fixtures");
    let probes: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(dir.join("probes.json")).unwrap()).unwrap();
    let real: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("real-1.20.json")).unwrap()).unwrap();
    let answers = real["answers"].as_array().unwrap();
    assert_eq!(
        answers.len(),
        probes.len(),
        "re-record real-1.20.json after changing probes.json"
    );
    let srv = TestServer::with(Options::default()).unwrap();
    let mut failures = Vec::new();
    for (probe, want) in probes.iter().zip(answers) {
        let name = probe["name"].as_str().unwrap();
        assert_eq!(want["name"], name, "probes and recording are out of step");
        let ct = probe["contentType"].as_str();
        let (code, body) = call(
            &srv,
            probe["method"].as_str().unwrap(),
            probe["path"].as_str().unwrap(),
            ct,
            &probe["body"],
        );
        if code != want["code"] {
            failures.push(format!(
                "{name}: code {code}, real server {}\n  ours: {body}\n  real: {}",
                want["code"], want["body"]
            ));
            continue;
        }
        let pointers: Vec<&str> = match probe["compare"].as_array() {
            Some(ps) => ps.iter().filter_map(Value::as_str).collect(),
            None => vec![""],
        };
        for p in pointers {
            let (ours, real) = (body.pointer(p).map(normalize), want["body"].pointer(p).map(normalize));
            if ours != real {
                failures.push(format!(
                    "{name}: {p} differs\n  ours: {}\n  real: {}",
                    ours.map_or("<absent>".into(), |v| v.to_string()),
                    real.map_or("<absent>".into(), |v| v.to_string())
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} probes differ:\n{}",
        failures.len(),
        probes.len(),
        failures.join("\n")
    );
}

/// A server with default options whose requests can be inspected afterwards.
fn server(ready: bool) -> TestServer {
    TestServer::with(Options {
        ready,
        ..Options::default()
    })
    .expect("start the test server")
}

// The end-to-end scenarios of tests/suite/e2e, run against the test server: the same checks as on
// the real cluster, so the two cannot drift apart.

#[test]
fn testserver_seed_overlay_roundtrip() {
    crate::e2e::scenarios::seed_overlay_roundtrip(&server(true).kubeconfig());
}

#[test]
fn testserver_prune_removes_dropped_object() {
    crate::e2e::scenarios::prune_removes_dropped_object(&server(true).kubeconfig());
}

#[test]
fn testserver_crd_and_custom_resource_in_one_stream() {
    crate::e2e::scenarios::crd_and_custom_resource_in_one_stream(&server(true).kubeconfig());
}

#[test]
fn testserver_deployment_waited_to_available() {
    crate::e2e::scenarios::deployment_waited_to_available(&server(true).kubeconfig());
}

#[test]
fn testserver_conflict_names_manager_and_field() {
    crate::e2e::scenarios::conflict_names_manager_and_field(&server(true).kubeconfig());
}

#[test]
fn testserver_wait_timeout_names_unready() {
    crate::e2e::scenarios::wait_timeout_names_unready(&server(false).kubeconfig());
}

/// Over HTTPS with a bearer token: the kubeconfig's CA data and token reach rudder's client.
#[test]
fn testserver_tls_and_token_crd_scenario() {
    let srv = TestServer::with(Options {
        tls: true,
        token: Some("e2e-token".into()),
        ..Options::default()
    })
    .unwrap();
    let kubeconfig = std::fs::read_to_string(srv.kubeconfig()).unwrap();
    assert!(kubeconfig.contains("server: https://127.0.0.1:") && kubeconfig.contains("certificate-authority-data: "));
    crate::e2e::scenarios::crd_and_custom_resource_in_one_stream(&srv.kubeconfig());
    let wrong = srv.dir().join("wrong-token");
    std::fs::write(&wrong, kubeconfig.replace("e2e-token", "other")).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rudder"))
        .args(["apply", "-f", "fixtures/e2e/crd/stream.yaml", "--kubeconfig"])
        .arg(&wrong)
        .current_dir(root())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("Unauthorized"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

// Faults, through `rudder apply`.

/// `rudder ARGS --kubeconfig K` with `stdin`: (exit code, stdout, stderr).
fn rudder(srv: &TestServer, args: &[&str], stdin: &str) -> (i32, String, String) {
    let run = crate::e2e::harness::run_rudder(&srv.kubeconfig(), args, stdin);
    (run.code, run.stdout, run.stderr)
}

const STREAM: &str = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: faults\n---\n\
apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: one\n  namespace: faults\ndata:\n  k: v\n---\n\
apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: two\n  namespace: faults\ndata:\n  k: v\n---\n\
apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: three\n  namespace: faults\ndata:\n  k: v\n";

const APPLIED: &str = "namespace/faults serverside-applied\nconfigmap/one serverside-applied\n\
configmap/two serverside-applied\nconfigmap/three serverside-applied\n";

fn codes(srv: &TestServer, method: &str) -> Vec<u16> {
    srv.requests()
        .iter()
        .filter(|r| r.method == method)
        .map(|r| r.code)
        .collect()
}

#[test]
fn testserver_apply_retries_through_503s() {
    let srv = server(true);
    srv.inject(Fault::new(When::Writes, Action::Status(503)).times(3));
    let (code, out, err) = rudder(&srv, &["apply", "-f", "-"], STREAM);
    assert_eq!((code, out.as_str()), (0, APPLIED), "{err}");
    assert_eq!(codes(&srv, "PATCH").iter().filter(|c| **c == 503).count(), 3);
    assert_eq!(srv.names("", "configmaps", "faults"), ["one", "three", "two"]);
}

#[test]
fn testserver_apply_retries_through_connection_resets() {
    let srv = server(true);
    srv.inject(Fault::new(When::Write(2), Action::Drop));
    srv.inject(Fault::new(When::Write(4), Action::Drop));
    let (code, out, err) = rudder(&srv, &["apply", "-f", "-"], STREAM);
    assert_eq!((code, out.as_str()), (0, APPLIED), "{err}");
    assert_eq!(
        codes(&srv, "PATCH").iter().filter(|c| **c == 0).count(),
        2,
        "two writes dropped"
    );
}

#[test]
fn testserver_apply_honours_retry_after() {
    let srv = server(true);
    srv.inject(Fault::new(When::Writes, Action::TooManyRequests(1)).times(1));
    let started = std::time::Instant::now();
    let (code, out, err) = rudder(&srv, &["apply", "-f", "-"], STREAM);
    assert_eq!((code, out.as_str()), (0, APPLIED), "{err}");
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "waited {:?}",
        started.elapsed()
    );
    assert_eq!(codes(&srv, "PATCH")[0], 429);
}

#[test]
fn testserver_apply_409_is_one_line_naming_the_object() {
    let srv = server(true);
    srv.inject(Fault::new(When::Any, Action::Status(409)).on_path("/configmaps/two"));
    let (code, out, err) = rudder(&srv, &["apply", "-f", "-"], STREAM);
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        out,
        "namespace/faults serverside-applied\nconfigmap/one serverside-applied\n"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("error: configmap/two (namespace faults): "), "{err}");
    assert!(
        err.contains("Operation cannot be fulfilled on configmaps \"two\""),
        "{err}"
    );
    assert!(
        err.contains(
            "2 of 4 objects applied; not applied: configmap/two (namespace faults), configmap/three (namespace faults)"
        ),
        "{err}"
    );
}

#[test]
fn testserver_apply_reports_what_a_dropped_connection_left_unapplied() {
    let srv = server(true);
    // From the third write on, every connection is cut before an answer (the server went away).
    srv.inject(Fault::new(When::WritesFrom(3), Action::Drop));
    let (code, out, err) = rudder(&srv, &["apply", "-f", "-"], STREAM);
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        out,
        "namespace/faults serverside-applied\nconfigmap/one serverside-applied\n"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("error: configmap/two (namespace faults): "), "{err}");
    assert!(
        err.contains(
            "2 of 4 objects applied; not applied: configmap/two (namespace faults), configmap/three (namespace faults)"
        ),
        "{err}"
    );
    assert_eq!(srv.names("", "configmaps", "faults"), ["one"]);
}

// The server's own behaviour over HTTP.

#[test]
fn testserver_faults_over_http() {
    let srv = server(true);
    srv.inject(Fault::parse("reads=429:7x1").unwrap());
    srv.inject(Fault::parse("write#1=drop").unwrap());
    let (code, head, body) = http(srv.addr(), "GET", "/api/v1/namespaces", None, b"").unwrap();
    assert_eq!(code, 429);
    assert!(head.to_ascii_lowercase().contains("retry-after: 7"), "{head}");
    let status: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(status["details"]["retryAfterSeconds"], 7);
    assert_eq!(http(srv.addr(), "GET", "/api/v1/namespaces", None, b"").unwrap().0, 200);
    let cm = br#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}}"#;
    let dropped = http(
        srv.addr(),
        "POST",
        "/api/v1/namespaces/default/configmaps",
        Some("application/json"),
        cm,
    );
    assert!(
        dropped.is_err(),
        "the first write's connection is closed without an answer"
    );
    assert_eq!(
        http(
            srv.addr(),
            "POST",
            "/api/v1/namespaces/default/configmaps",
            Some("application/json"),
            cm
        )
        .unwrap()
        .0,
        201
    );
    assert_eq!(srv.writes(), 2);
}

#[test]
fn testserver_readiness_knob() {
    let srv = server(false);
    let dep = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                 "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "image": "nginx:1"}]}}}});
    let path = "/apis/apps/v1/namespaces/default/deployments/web?fieldManager=t";
    let (code, live) = call(&srv, "PATCH", path, Some("application/apply-patch+yaml"), &dep);
    assert_eq!(code, 201);
    assert_eq!(live["status"]["unavailableReplicas"], 2);
    assert!(live["status"].get("availableReplicas").is_none());
    srv.set_ready(true);
    let live = srv.object("apps", "deployments", "default", "web").unwrap();
    assert_eq!(live["status"]["availableReplicas"], 2);
    assert_eq!(live["status"]["observedGeneration"], 1);
}

#[test]
fn testserver_watch_streams_changes() {
    let srv = server(true);
    let mut s = TcpStream::connect(srv.addr()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    write!(s, "GET /api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
    std::thread::sleep(Duration::from_millis(100));
    let cm = br#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"w"}}"#;
    assert_eq!(
        http(
            srv.addr(),
            "POST",
            "/api/v1/namespaces/default/configmaps",
            Some("application/json"),
            cm
        )
        .unwrap()
        .0,
        201
    );
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw);
    assert!(
        text.contains(r#"{"type":"ADDED","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"w""#),
        "{text}"
    );
}

#[test]
fn testserver_garbage_collects_dependents_unless_orphaned() {
    let srv = server(true);
    let cm = |name: &str, owner: Option<&str>| {
        let mut o = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}});
        if let Some(uid) = owner {
            o["metadata"]["ownerReferences"] =
                json!([{"apiVersion": "v1", "kind": "ConfigMap", "name": "owner", "uid": uid}]);
        }
        o
    };
    let path = "/api/v1/namespaces/default/configmaps";
    for policy in ["Background", "Orphan"] {
        let (_, owner) = call(&srv, "POST", path, Some("application/json"), &cm("owner", None));
        let uid = owner["metadata"]["uid"].as_str().unwrap().to_string();
        assert_eq!(
            call(&srv, "POST", path, Some("application/json"), &cm("child", Some(&uid))).0,
            201
        );
        let opts = json!({"propagationPolicy": policy});
        assert_eq!(
            call(
                &srv,
                "DELETE",
                &format!("{path}/owner"),
                Some("application/json"),
                &opts
            )
            .0,
            200
        );
        let child = srv.object("", "configmaps", "default", "child");
        match policy {
            "Background" => assert!(child.is_none(), "the dependent goes with its owner"),
            _ => {
                let child = child.expect("an orphan stays");
                assert!(
                    child["metadata"]["ownerReferences"]
                        .as_array()
                        .is_none_or(|r| r.is_empty())
                );
                call(&srv, "DELETE", &format!("{path}/child"), None, &Value::Null);
            }
        }
    }
}
