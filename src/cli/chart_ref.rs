//! The flags of every command that takes a chart reference (`template`, `show`, `pull`):
//! `--version`, `--devel`, credentials, TLS and `--insecure-skip-digest`; and the shared
//! progress bar for downloads.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use rudder::pipeline::ChartRefOptions;
use rudder::repo::{self, HttpOptions, Paths};

/// How a chart reference (a directory, a .tgz, REPO/CHART or a package URL) is fetched.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ChartRefArgs {
    /// Chart version or SemVer constraint (e.g. '>=0.1 <1'), for REPO/CHART references
    /// (default: the newest non-pre-release version).
    #[arg(long, value_name = "VERSION")]
    pub version: Option<String>,
    /// Admit pre-release versions when no --version is given.
    #[arg(long)]
    pub devel: bool,
    #[command(flatten)]
    pub http: HttpArgs,
    /// Accept a package whose sha256 cannot be checked (no digest in the index, or a URL no
    /// configured repository lists). A package whose digest mismatches is always refused.
    #[arg(long)]
    pub insecure_skip_digest: bool,
}

/// Credentials and TLS settings for a repository.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct HttpArgs {
    /// Repository user name (basic auth).
    #[arg(long)]
    pub username: Option<String>,
    /// Repository password (prefer --password-stdin: a command line is visible to others).
    #[arg(long)]
    pub password: Option<String>,
    /// Read the repository password from standard input.
    #[arg(long, conflicts_with = "password")]
    pub password_stdin: bool,
    /// Send the credentials to every host (package URLs elsewhere, redirects), not only to
    /// the repository's own host.
    #[arg(long)]
    pub pass_credentials: bool,
    /// Verify the server's certificate with this CA bundle (PEM) as well as the system's.
    #[arg(long, value_name = "FILE")]
    pub ca_file: Option<PathBuf>,
    /// Client certificate (PEM) for TLS client authentication.
    #[arg(long, value_name = "FILE", requires = "key_file")]
    pub cert_file: Option<PathBuf>,
    /// Client key (PEM) for TLS client authentication.
    #[arg(long, value_name = "FILE", requires = "cert_file")]
    pub key_file: Option<PathBuf>,
    /// Skip the server certificate check (insecure).
    #[arg(long)]
    pub insecure_skip_tls_verify: bool,
}

impl HttpArgs {
    /// The library's options; reads the password from stdin for --password-stdin.
    pub fn to_options(&self) -> anyhow::Result<HttpOptions> {
        let password = if self.password_stdin {
            let mut line = String::new();
            std::io::stdin()
                .read_line(&mut line)
                .context("reading the password from standard input")?;
            Some(line.trim_end_matches(['\n', '\r']).to_string())
        } else {
            self.password.clone()
        };
        Ok(HttpOptions {
            ca_file: self.ca_file.clone(),
            cert_file: self.cert_file.clone(),
            key_file: self.key_file.clone(),
            insecure_skip_tls_verify: self.insecure_skip_tls_verify,
            username: self.username.clone(),
            password,
            pass_credentials: self.pass_credentials,
            ..HttpOptions::default()
        })
    }
}

/// Where repositories and their caches live (RUDDER_CONFIG_HOME, XDG dirs, HOME).
pub fn paths() -> Option<Paths> {
    Paths::from_vars(|k| std::env::var_os(k))
}

/// [`paths`], or an error saying what to set.
pub fn require_paths() -> anyhow::Result<Paths> {
    paths().context("cannot tell where to keep repositories: set HOME, XDG_CONFIG_HOME or RUDDER_CONFIG_HOME")
}

impl ChartRefArgs {
    /// The library's options, with a progress bar on a terminal.
    pub fn to_options(&self, bar: &Bar) -> anyhow::Result<ChartRefOptions> {
        Ok(ChartRefOptions {
            paths: paths(),
            version: self.version.clone(),
            devel: self.devel,
            http: self.http.to_options()?,
            insecure_skip_digest: self.insecure_skip_digest,
            progress: bar.callback(),
        })
    }
}

/// A download progress bar, drawn only when stderr is a terminal.
pub struct Bar(Option<indicatif::ProgressBar>);

impl Bar {
    pub fn new() -> Bar {
        if !std::io::stderr().is_terminal() {
            return Bar(None);
        }
        let bar = indicatif::ProgressBar::hidden();
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bytes}/{total_bytes} {wide_bar} {bytes_per_sec}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        Bar(Some(bar))
    }

    fn callback(&self) -> Option<Arc<repo::Progress>> {
        let bar = self.0.clone()?;
        Some(Arc::new(move |done: u64, total: Option<u64>| {
            // Small downloads finish before a bar would help.
            if bar.is_hidden() && total.is_none_or(|t| t >= 1 << 20) {
                bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            }
            if let Some(t) = total {
                bar.set_length(t);
            }
            bar.set_position(done);
        }))
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        if let Some(b) = &self.0 {
            b.finish_and_clear();
        }
    }
}
