//! A small HTTP/1.1 server for the repository tests, on std::net: serves files from memory
//! on a loopback address, records what each request carried (path, Authorization), and can
//! require basic auth, fail with 503 a few times, cut a body short or redirect.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// How a path is answered.
#[derive(Debug, Clone)]
pub enum Route {
    File(Vec<u8>),
    /// 503 for the next `failures` requests, then the file.
    Flaky {
        failures: u32,
        body: Vec<u8>,
    },
    /// Announces the whole length, sends half, closes.
    Truncated(Vec<u8>),
    /// 302 to this URL.
    Redirect(String),
}

/// One request as received.
#[derive(Debug, Clone)]
pub struct Seen {
    pub path: String,
    pub authorization: Option<String>,
}

#[derive(Default)]
struct State {
    routes: HashMap<String, Route>,
    log: Vec<Seen>,
    /// The Authorization header every request must carry.
    auth: Option<String>,
}

pub struct Server {
    pub addr: SocketAddr,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    /// Starts a server on `ip` (e.g. "127.0.0.1") on a free port.
    pub fn start(ip: &str) -> Server {
        let listener = TcpListener::bind((ip, 0)).expect("bind loopback");
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(Mutex::new(State::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let (st, sp) = (state.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            while !sp.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((conn, _)) => {
                        let _ = handle(conn, &st);
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Server {
            addr,
            state,
            stop,
            thread: Some(thread),
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn route(&self, path: &str, route: Route) {
        self.state.lock().unwrap().routes.insert(path.to_string(), route);
    }

    /// Serves every file of `dir` under `prefix` (e.g. "/charts").
    pub fn serve_dir(&self, prefix: &str, dir: &Path) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            if e.path().is_file() {
                let name = e.file_name().to_string_lossy().into_owned();
                self.route(
                    &format!("{prefix}/{name}"),
                    Route::File(std::fs::read(e.path()).unwrap()),
                );
            }
        }
    }

    /// Requires basic auth with these credentials on every path.
    pub fn require_auth(&self, user: &str, password: &str) {
        use base64::Engine;
        let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        self.state.lock().unwrap().auth = Some(format!("Basic {token}"));
    }

    pub fn log(&self) -> Vec<Seen> {
        self.state.lock().unwrap().log.clone()
    }

    pub fn clear_log(&self) {
        self.state.lock().unwrap().log.clear();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn handle(conn: TcpStream, state: &Mutex<State>) -> std::io::Result<()> {
    conn.set_nonblocking(false)?;
    conn.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut reader = BufReader::new(conn.try_clone()?);
    let mut first = String::new();
    reader.read_line(&mut first)?;
    let path = first.split_whitespace().nth(1).unwrap_or("/").to_string();
    let mut authorization = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
            break;
        }
        if let Some((k, v)) = line.split_once(':')
            && k.eq_ignore_ascii_case("authorization")
        {
            authorization = Some(v.trim().to_string());
        }
    }
    let mut out = conn;
    let route = {
        let mut st = state.lock().unwrap();
        st.log.push(Seen {
            path: path.clone(),
            authorization: authorization.clone(),
        });
        if st.auth.is_some() && st.auth != authorization {
            None.ok_or(401)
        } else {
            match st.routes.get_mut(&path) {
                Some(Route::Flaky { failures, body }) if *failures > 0 => {
                    *failures -= 1;
                    let _ = body;
                    Err(503)
                }
                Some(r) => Ok(r.clone()),
                None => Err(404),
            }
        }
    };
    match route {
        Err(code) => {
            let reason = match code {
                401 => "Unauthorized",
                503 => "Service Unavailable",
                _ => "Not Found",
            };
            write!(
                out,
                "HTTP/1.1 {code} {reason}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            )?;
        }
        Ok(Route::File(body)) | Ok(Route::Flaky { body, .. }) => {
            write!(
                out,
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            )?;
            out.write_all(&body)?;
        }
        Ok(Route::Truncated(body)) => {
            write!(
                out,
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            )?;
            out.write_all(&body[..body.len() / 2])?;
        }
        Ok(Route::Redirect(to)) => {
            write!(
                out,
                "HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            )?;
        }
    }
    out.flush()?;
    let _ = out.shutdown(std::net::Shutdown::Both);
    Ok(())
}
