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
    (code, serde_json::from_slice(&out).unwrap_or(Value::Null))
}

/// Replaces values that differ between any two runs (uids, times, resource versions) and drops
/// the managed-fields entries of the real cluster's controllers (the test server runs none).
fn normalize(v: &Value) -> Value {
    match v {
        Value::Array(a) if a.iter().any(|e| e["manager"] == "kube-controller-manager") => Value::Array(
            a.iter()
                .filter(|e| e["manager"] != "kube-controller-manager")
                .map(normalize)
                .collect(),
        ),
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
