//! The HTTP client for repositories: reqwest over rustls (the `ring` provider, so no C
//! toolchain is needed), driven on a private single-thread runtime so callers stay
//! synchronous (and may call it from inside their own runtime).
//!
//! Rules:
//! - timeouts: 30 s to connect, 60 s without a byte while reading, and an optional overall
//!   limit per attempt;
//! - retries: up to [`HttpOptions::retries`] more attempts on 429, any 5xx, a connection
//!   error or a body cut short, waiting `backoff`, then twice as long each time (or the
//!   server's `Retry-After`, at most 10 s); a TLS handshake failure is not retried;
//! - proxies: `HTTP_PROXY`, `HTTPS_PROXY`, `NO_PROXY` (and lowercase), as reqwest reads them;
//! - TLS: `--ca-file` adds roots, `--cert-file/--key-file` present a client certificate,
//!   `--insecure-skip-tls-verify` turns verification off;
//! - credentials (basic auth) go only to the repository's own host and port; a host named
//!   by the index or reached by a redirect gets them only with `pass_credentials`.
//!   Redirects are followed here (at most 10), not by reqwest, so that rule holds on every
//!   hop. Credentials never appear in errors or `Debug` output: URLs are redacted.

use std::future::Future;
use std::path::PathBuf;
use std::sync::Once;
use std::time::Duration;

use reqwest::{StatusCode, Url};

use super::Error;

/// How to reach a repository.
#[derive(Clone)]
pub struct HttpOptions {
    pub ca_file: Option<PathBuf>,
    pub cert_file: Option<PathBuf>,
    pub key_file: Option<PathBuf>,
    pub insecure_skip_tls_verify: bool,
    pub username: Option<String>,
    pub password: Option<String>,
    /// Send the credentials to every host, not only the repository's.
    pub pass_credentials: bool,
    /// Overall limit of one attempt (none by default: big downloads take time).
    pub timeout: Option<Duration>,
    /// Further attempts after a retryable failure.
    pub retries: u32,
    /// The first wait before a retry; doubled each time.
    pub backoff: Duration,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            ca_file: None,
            cert_file: None,
            key_file: None,
            insecure_skip_tls_verify: false,
            username: None,
            password: None,
            pass_credentials: false,
            timeout: None,
            retries: 3,
            backoff: Duration::from_millis(300),
        }
    }
}

impl std::fmt::Debug for HttpOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpOptions")
            .field("ca_file", &self.ca_file)
            .field("cert_file", &self.cert_file)
            .field("key_file", &self.key_file)
            .field("insecure_skip_tls_verify", &self.insecure_skip_tls_verify)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("pass_credentials", &self.pass_credentials)
            .field("timeout", &self.timeout)
            .field("retries", &self.retries)
            .field("backoff", &self.backoff)
            .finish()
    }
}

/// Called as bytes arrive: (bytes so far, total when the server said).
pub type Progress = dyn Fn(u64, Option<u64>) + Sync;

/// Where a response body goes. `reset` starts over before a retry.
pub(crate) trait Sink: Send {
    fn write(&mut self, chunk: &[u8]) -> std::io::Result<()>;
    fn reset(&mut self) -> std::io::Result<()>;
}

/// One download's destination and bounds: at most `limit` bytes into `sink`, reporting to
/// `progress`.
pub(crate) struct Download<'a> {
    pub limit: u64,
    pub sink: &'a mut dyn Sink,
    pub progress: Option<&'a Progress>,
}

impl Sink for Vec<u8> {
    fn write(&mut self, chunk: &[u8]) -> std::io::Result<()> {
        self.extend_from_slice(chunk);
        Ok(())
    }
    fn reset(&mut self) -> std::io::Result<()> {
        self.clear();
        Ok(())
    }
}

/// A client for one repository (its URL decides where credentials may go).
pub struct Client {
    http: reqwest::Client,
    runtime: Option<tokio::runtime::Runtime>,
    home: Url,
    opts: HttpOptions,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("home", &redact(self.home.as_str()))
            .field("opts", &self.opts)
            .finish()
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        // Dropping a runtime inside another one panics; this never does.
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

fn install_crypto_provider() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // Fails only when a provider is already installed (e.g. by the cluster client).
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// `url` without user information, for messages.
pub fn redact(url: &str) -> String {
    match Url::parse(url) {
        // Without credentials the text is kept as written (`Url` would add a `/` path).
        Ok(u) if u.username().is_empty() && u.password().is_none() => url.to_string(),
        Ok(mut u) => {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.to_string()
        }
        Err(_) => match url.rsplit_once('@') {
            Some((_, rest)) => format!("<redacted>@{rest}"),
            None => url.to_string(),
        },
    }
}

/// Parses a URL, naming it (redacted) on failure.
pub(crate) fn parse_url(text: &str) -> Result<Url, Error> {
    let url = Url::parse(text).map_err(|e| Error::BadUrl {
        text: redact(text),
        message: e.to_string(),
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::BadUrl {
            text: redact(text),
            message: format!("unsupported scheme '{}' (http or https)", url.scheme()),
        });
    }
    Ok(url)
}

fn same_host(a: &Url, b: &Url) -> bool {
    a.host_str() == b.host_str() && a.port_or_known_default() == b.port_or_known_default()
}

/// The text of an error and its causes, without any URL.
fn describe(e: &reqwest::Error) -> String {
    let mut parts = Vec::new();
    let mut cur: Option<&dyn std::error::Error> = std::error::Error::source(e);
    while let Some(c) = cur {
        let s = c.to_string();
        if !parts.contains(&s) {
            parts.push(s);
        }
        cur = c.source();
    }
    if parts.is_empty() {
        if e.is_timeout() {
            return "timed out".into();
        }
        return "request failed".into();
    }
    parts.join(": ")
}

/// Whether a request failed in the TLS handshake (a certificate problem: retrying is futile).
fn is_tls_failure(e: &reqwest::Error) -> bool {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    while let Some(c) = cur {
        if c.is::<rustls::Error>() {
            return true;
        }
        if let Some(io) = c.downcast_ref::<std::io::Error>()
            && io.get_ref().is_some_and(|inner| inner.is::<rustls::Error>())
        {
            return true;
        }
        cur = c.source();
    }
    false
}

enum Failure {
    Retry(Error, Option<Duration>),
    Fatal(Error),
}

impl Client {
    /// A client for the repository at `repo_url`.
    ///
    /// # Errors
    /// An invalid URL, an unreadable CA, certificate or key file, or a TLS setup error.
    pub fn new(repo_url: &str, opts: &HttpOptions) -> Result<Client, Error> {
        install_crypto_provider();
        let home = parse_url(repo_url)?;
        let mut b = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(30))
            .read_timeout(Duration::from_secs(60))
            .user_agent(concat!("rudder/", env!("CARGO_PKG_VERSION")))
            .tls_backend_rustls();
        if let Some(t) = opts.timeout {
            b = b.timeout(t);
        }
        if let Some(ca) = &opts.ca_file {
            let pem = fs_err::read(ca).map_err(|e| Error::io(ca, &e))?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| Error::Tls {
                path: ca.clone(),
                message: format!("not a PEM certificate bundle: {}", describe(&e)),
            })?;
            if certs.is_empty() {
                return Err(Error::Tls {
                    path: ca.clone(),
                    message: "no certificate found".into(),
                });
            }
            for c in certs {
                b = b.add_root_certificate(c);
            }
        }
        match (&opts.cert_file, &opts.key_file) {
            (Some(cert), Some(key)) => {
                let mut pem = fs_err::read(cert).map_err(|e| Error::io(cert, &e))?;
                pem.push(b'\n');
                pem.extend(fs_err::read(key).map_err(|e| Error::io(key, &e))?);
                let id = reqwest::Identity::from_pem(&pem).map_err(|e| Error::Tls {
                    path: cert.clone(),
                    message: format!("not a usable certificate and key: {}", describe(&e)),
                })?;
                b = b.identity(id);
            }
            (Some(p), None) | (None, Some(p)) => {
                return Err(Error::Tls {
                    path: p.clone(),
                    message: "--cert-file and --key-file go together".into(),
                });
            }
            (None, None) => {}
        }
        if opts.insecure_skip_tls_verify {
            b = b.tls_danger_accept_invalid_certs(true);
        }
        let http = b.build().map_err(|e| Error::Http {
            url: redact(repo_url),
            message: describe(&e),
        })?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::Http {
                url: redact(repo_url),
                message: format!("starting the HTTP runtime: {e}"),
            })?;
        Ok(Client {
            http,
            runtime: Some(runtime),
            home,
            opts: opts.clone(),
        })
    }

    /// The repository URL this client was made for.
    pub fn repo_url(&self) -> &Url {
        &self.home
    }

    /// Runs `fut` on the client's runtime from a helper thread (safe inside another runtime).
    fn block_on<T: Send>(&self, fut: impl Future<Output = T> + Send) -> T {
        let rt = self.runtime.as_ref().expect("runtime lives as long as the client");
        std::thread::scope(|s| {
            s.spawn(|| rt.block_on(fut))
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p))
        })
    }

    /// GETs `url` into memory, at most `limit` bytes.
    ///
    /// # Errors
    /// As [`Client::get_into`].
    pub fn get_bytes(&self, url: &str, limit: u64) -> Result<Vec<u8>, Error> {
        let mut out = Vec::new();
        let mut download = Download {
            limit,
            sink: &mut out,
            progress: None,
        };
        self.get_into(url, &mut download)?;
        Ok(out)
    }

    /// GETs `url` into the download's sink, retrying as the module says; returns the byte
    /// count.
    pub(crate) fn get_into(&self, url: &str, download: &mut Download<'_>) -> Result<u64, Error> {
        let start = parse_url(url)?;
        self.block_on(async {
            let mut attempt = 0u32;
            loop {
                match self.attempt(&start, download).await {
                    Ok(n) => return Ok(n),
                    Err(Failure::Fatal(e)) => return Err(e),
                    Err(Failure::Retry(e, after)) => {
                        if attempt >= self.opts.retries {
                            return Err(e);
                        }
                        let wait = after.unwrap_or_else(|| self.opts.backoff.saturating_mul(1 << attempt.min(10)));
                        tokio::time::sleep(wait).await;
                        attempt += 1;
                        download.sink.reset().map_err(|e| Error::Http {
                            url: redact(url),
                            message: format!("writing the download: {e}"),
                        })?;
                    }
                }
            }
        })
    }

    async fn attempt(&self, start: &Url, download: &mut Download<'_>) -> Result<u64, Failure> {
        let limit = download.limit;
        let mut url = start.clone();
        let mut hops = 0;
        let mut resp = loop {
            let shown = redact(url.as_str());
            let mut req = self.http.get(url.clone());
            if let Some(user) = &self.opts.username
                && (self.opts.pass_credentials || same_host(&url, &self.home))
            {
                req = req.basic_auth(user, self.opts.password.as_deref());
            }
            let resp = req.send().await.map_err(|e| {
                let err = Error::Http {
                    url: shown.clone(),
                    message: describe(&e),
                };
                if is_tls_failure(&e) {
                    Failure::Fatal(err)
                } else {
                    Failure::Retry(err, None)
                }
            })?;
            let status = resp.status();
            if status.is_redirection()
                && let Some(loc) = resp.headers().get(reqwest::header::LOCATION)
            {
                hops += 1;
                if hops > 10 {
                    return Err(Failure::Fatal(Error::Http {
                        url: shown,
                        message: "more than 10 redirects".into(),
                    }));
                }
                let loc = loc.to_str().unwrap_or_default();
                url = url.join(loc).map_err(|e| {
                    Failure::Fatal(Error::Http {
                        url: shown.clone(),
                        message: format!("bad redirect location: {e}"),
                    })
                })?;
                if !matches!(url.scheme(), "http" | "https") {
                    return Err(Failure::Fatal(Error::Http {
                        url: shown,
                        message: "redirect to a non-HTTP URL".into(),
                    }));
                }
                continue;
            }
            if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
                let after = resp
                    .headers()
                    .get(reqwest::header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .map(|s| Duration::from_secs(s.min(10)));
                return Err(Failure::Retry(
                    Error::Status {
                        url: shown,
                        status: status.as_u16(),
                    },
                    after,
                ));
            }
            if !status.is_success() {
                return Err(Failure::Fatal(Error::Status {
                    url: shown,
                    status: status.as_u16(),
                }));
            }
            break resp;
        };
        let shown = redact(url.as_str());
        let total = resp.content_length();
        if let Some(t) = total
            && t > limit
        {
            return Err(Failure::Fatal(Error::TooLarge { url: shown, limit }));
        }
        let mut got = 0u64;
        loop {
            let chunk = resp.chunk().await.map_err(|e| {
                Failure::Retry(
                    Error::Http {
                        url: shown.clone(),
                        message: format!("download cut short: {}", describe(&e)),
                    },
                    None,
                )
            })?;
            let Some(chunk) = chunk else { break };
            got += chunk.len() as u64;
            if got > limit {
                return Err(Failure::Fatal(Error::TooLarge { url: shown, limit }));
            }
            download.sink.write(&chunk).map_err(|e| {
                Failure::Fatal(Error::Http {
                    url: shown.clone(),
                    message: format!("writing the download: {e}"),
                })
            })?;
            if let Some(p) = download.progress {
                p(got, total);
            }
        }
        if let Some(t) = total
            && got != t
        {
            return Err(Failure::Retry(
                Error::Http {
                    url: shown,
                    message: format!("download cut short: {got} of {t} bytes"),
                },
                None,
            ));
        }
        Ok(got)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_user_information() {
        assert_eq!(redact("https://u:p@h.example/x"), "https://h.example/x");
        assert_eq!(redact("https://h.example/x"), "https://h.example/x");
        assert_eq!(
            redact("http://127.0.0.1:8765"),
            "http://127.0.0.1:8765",
            "kept as written"
        );
        assert_eq!(redact("not a url u:p@h"), "<redacted>@h");
    }

    #[test]
    fn credentials_follow_host_and_port() {
        let a = Url::parse("http://127.0.0.1:8080/charts").unwrap();
        assert!(same_host(&a, &Url::parse("http://127.0.0.1:8080/other.tgz").unwrap()));
        assert!(!same_host(&a, &Url::parse("http://127.0.0.2:8080/x").unwrap()));
        assert!(!same_host(&a, &Url::parse("http://127.0.0.1:8081/x").unwrap()));
    }

    #[test]
    fn debug_hides_password() {
        let o = HttpOptions {
            password: Some("s3cret".into()),
            ..HttpOptions::default()
        };
        assert!(!format!("{o:?}").contains("s3cret"));
    }
}
