//! Fetching a [`RepoSpec`] with the system `git` into a temporary directory: shallow by
//! ref, with a full fetch as the fallback, a time limit per command, no terminal prompts,
//! no `ext::` transport, and error text that names the repository, not the directory.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::super::error::Error;
use super::RepoSpec;

/// Transports git may use for the repository itself; `ext::` (which runs commands) is not one.
const PROTOCOLS: &str = "file:git:http:https:ssh";

/// Transports for submodules, whose URLs come from the fetched repository: without `file`,
/// so a remote repository cannot pull in the user's local repositories (CVE-2022-39253).
const SUBMODULE_PROTOCOLS: &str = "git:http:https:ssh";

/// Environment that would point git at some other repository (set when rudder runs in a hook).
const REPO_ENV: &[&str] = &[
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
    "GIT_NAMESPACE",
    "GIT_PREFIX",
];

/// A repository fetched into a temporary directory, removed when this is dropped.
#[derive(Debug)]
pub struct Checkout {
    dir: tempfile::TempDir,
    /// `dir` with symlinks resolved.
    real: PathBuf,
}

impl Checkout {
    /// The working tree, as created.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// The working tree with symlinks resolved.
    pub fn real_root(&self) -> &Path {
        &self.real
    }

    /// The kustomization directory `spec.path` of the working tree.
    ///
    /// # Errors
    /// The path is missing, not a directory, or (through a symlink) outside the working tree.
    pub fn kustomization_dir(&self, spec: &RepoSpec) -> Result<PathBuf, String> {
        let shown = if spec.path.is_empty() { "." } else { spec.path.as_str() };
        let dir = if spec.path.is_empty() {
            self.root().to_path_buf()
        } else {
            self.root().join(&spec.path)
        };
        let real = dir
            .canonicalize()
            .map_err(|_| format!("'{shown}' does not exist in the repository"))?;
        if !real.starts_with(&self.real) {
            return Err(format!("'{shown}' leads outside the repository"));
        }
        if !real.is_dir() {
            return Err(format!("'{shown}' is not a directory in the repository"));
        }
        Ok(dir)
    }

    /// `text` with the temporary directory replaced by the repository URL, so messages and
    /// document sources name `https://host/org/repo//dir/file.yaml`.
    pub fn relabel(&self, spec: &RepoSpec, text: &str) -> String {
        let mut roots = [self.real.display().to_string(), self.root().display().to_string()];
        roots.sort_by_key(|r| std::cmp::Reverse(r.len()));
        let mut out = text.to_string();
        for root in roots {
            out = out
                .replace(&format!("{root}/"), &format!("{}//", spec.url))
                .replace(&root, &spec.url);
        }
        out
    }

    /// [`Checkout::relabel`] applied to every text of an error.
    pub fn relabel_error(&self, spec: &RepoSpec, e: Error) -> Error {
        let f = |s: String| self.relabel(spec, &s);
        match e {
            Error::Read { path, message } => Error::Read {
                path: f(path),
                message: f(message),
            },
            Error::Parse(mut p) => {
                p.source_name = f(p.source_name);
                p.message = f(p.message);
                Error::Parse(p)
            }
            Error::Field { file, field, message } => Error::Field {
                file: f(file),
                field: f(field),
                message: f(message),
            },
            Error::DuplicateId { id, first, second } => Error::DuplicateId {
                id,
                first: f(first),
                second: f(second),
            },
            Error::OutsideRoot {
                file,
                field,
                path,
                root,
            } => Error::OutsideRoot {
                file: f(file),
                field: f(field),
                path: f(path),
                root: f(root),
            },
            Error::Cycle {
                file,
                field,
                path,
                chain,
            } => Error::Cycle {
                file: f(file),
                field: f(field),
                path: f(path),
                chain: f(chain),
            },
            // A variant added later keeps its text as it is.
            #[allow(unreachable_patterns)]
            other => other,
        }
    }
}

/// Fetches `spec` into a new temporary directory: `git init`, a shallow `git fetch` of the
/// ref, `git checkout FETCH_HEAD`, then submodules when asked for and present. When the
/// shallow fetch fails for another reason than a missing ref or the time limit (a dumb HTTP
/// server, a commit the server does not advertise), fetches all branches and tags instead
/// and checks out the ref from them.
///
/// # Errors
/// A one-line message: which git command failed and git's last error line, or that it
/// timed out; or that git could not be run.
pub fn fetch(spec: &RepoSpec) -> Result<Checkout, String> {
    let dir = tempfile::Builder::new()
        .prefix("rudder-remote-")
        .tempdir()
        .map_err(|e| format!("creating a temporary directory: {e}"))?;
    let real = dir
        .path()
        .canonicalize()
        .map_err(|e| format!("{}: {e}", dir.path().display()))?;
    let git = Git {
        dir: dir.path(),
        timeout: spec.timeout,
    };
    git.run(&["init", "--quiet"], PROTOCOLS)
        .map_err(|f| f.describe("git init", spec))?;
    let wanted = if spec.git_ref.is_empty() {
        "HEAD"
    } else {
        spec.git_ref.as_str()
    };
    let shallow = git.run(
        &[
            "fetch",
            "--quiet",
            "--no-auto-gc",
            "--depth=1",
            "--no-tags",
            "--",
            &spec.url,
            wanted,
        ],
        PROTOCOLS,
    );
    let target = match shallow {
        Ok(_) => "FETCH_HEAD".to_string(),
        // git names a missing branch or tag this way; a full fetch would not find it either.
        Err(f) if f.timed_out || f.line.contains("couldn't find remote ref") => {
            return Err(f.describe("git fetch", spec));
        }
        Err(f) => full_fetch(&git, spec).ok_or_else(|| f.describe("git fetch", spec))?,
    };
    git.run(&["checkout", "--quiet", "--detach", &target], PROTOCOLS)
        .map_err(|f| f.describe("git checkout", spec))?;
    if spec.submodules && dir.path().join(".gitmodules").exists() {
        let protocols = if spec.url.starts_with("file://") {
            PROTOCOLS
        } else {
            SUBMODULE_PROTOCOLS
        };
        git.run(&["submodule", "update", "--init", "--recursive"], protocols)
            .map_err(|f| f.describe("git submodule update", spec))?;
    }
    Ok(Checkout { dir, real })
}

/// Fetches every branch and tag (and HEAD when no ref is given) without `--depth`, and
/// returns the commit the ref names, looked up as a branch, then a tag, then a commit.
fn full_fetch(git: &Git, spec: &RepoSpec) -> Option<String> {
    let mut args = vec![
        "fetch",
        "--quiet",
        "--no-auto-gc",
        "--",
        &spec.url,
        "+refs/heads/*:refs/remotes/origin/*",
        "+refs/tags/*:refs/tags/*",
    ];
    if spec.git_ref.is_empty() {
        args.push("+HEAD:refs/rudder/head");
    }
    git.run(&args, PROTOCOLS).ok()?;
    let candidates = if spec.git_ref.is_empty() {
        vec!["refs/rudder/head".to_string()]
    } else {
        let r = &spec.git_ref;
        vec![format!("refs/remotes/origin/{r}"), format!("refs/tags/{r}"), r.clone()]
    };
    candidates.iter().find_map(|c| {
        let commit = format!("{c}^{{commit}}");
        let out = git
            .run(
                &["rev-parse", "--verify", "--quiet", "--end-of-options", &commit],
                PROTOCOLS,
            )
            .ok()?;
        let sha = out.trim();
        (!sha.is_empty()).then(|| sha.to_string())
    })
}

/// Runs git in one directory with a time limit per command.
struct Git<'a> {
    dir: &'a Path,
    timeout: Duration,
}

/// How a git command failed.
#[derive(Debug)]
struct Failure {
    timed_out: bool,
    /// git's last error line, or what went wrong when git could not be run.
    line: String,
}

impl Failure {
    fn describe(&self, what: &str, spec: &RepoSpec) -> String {
        if self.timed_out {
            format!(
                "{what} timed out after {:?} (raise the limit with ?timeout=SECONDS)",
                spec.timeout
            )
        } else {
            format!("{what} failed: {}", self.line)
        }
    }
}

impl Git<'_> {
    /// Runs `git -C DIR ARGS` without a terminal or a shell and returns its standard output.
    fn run(&self, args: &[&str], protocols: &str) -> Result<String, Failure> {
        let mut cmd = Command::new("git");
        // No background maintenance in a directory about to be removed (fetches in submodules).
        cmd.args(["-c", "gc.auto=0", "-c", "maintenance.auto=false", "-C"])
            .arg(self.dir)
            .args(args);
        for name in REPO_ENV {
            cmd.env_remove(name);
        }
        cmd.env("GIT_TERMINAL_PROMPT", "0")
            .env("GIT_ALLOW_PROTOCOL", protocols)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().map_err(|e| Failure {
            timed_out: false,
            line: if e.kind() == std::io::ErrorKind::NotFound {
                "git is not installed (remote resources are fetched with the system git)".into()
            } else {
                format!("cannot run git: {e}")
            },
        })?;
        let stdout = drain(child.stdout.take());
        let stderr = drain(child.stderr.take());
        let deadline = Instant::now().checked_add(self.timeout);
        let mut pause = Duration::from_millis(1);
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) => {}
                Err(e) => {
                    return Err(Failure {
                        timed_out: false,
                        line: format!("waiting for git: {e}"),
                    });
                }
            }
            if deadline.is_some_and(|d| Instant::now() >= d) {
                // Helpers git started (git-remote-https, ssh) exit when their pipes close.
                let _ = child.kill();
                let _ = child.wait();
                return Err(Failure {
                    timed_out: true,
                    line: String::new(),
                });
            }
            std::thread::sleep(pause);
            pause = (pause * 2).min(Duration::from_millis(50));
        };
        // A helper still holding the pipes open must not hold up the build.
        let grace = Duration::from_secs(1);
        let err = stderr.recv_timeout(grace).unwrap_or_default();
        if !status.success() {
            let line = last_error_line(&err);
            return Err(Failure {
                timed_out: false,
                line: if line.is_empty() { status.to_string() } else { line },
            });
        }
        Ok(String::from_utf8_lossy(&stdout.recv_timeout(grace).unwrap_or_default()).into_owned())
    }
}

/// Reads a pipe to its end on a thread, keeping the last 64 KiB.
fn drain(pipe: Option<impl Read + Send + 'static>) -> mpsc::Receiver<Vec<u8>> {
    const KEEP: usize = 64 * 1024;
    let (tx, rx) = mpsc::channel();
    if let Some(mut pipe) = pipe {
        std::thread::spawn(move || {
            let (mut tail, mut buf) = (Vec::new(), [0u8; 8192]);
            while let Ok(n @ 1..) = pipe.read(&mut buf) {
                tail.extend_from_slice(&buf[..n]);
                if tail.len() > KEEP {
                    tail.drain(..tail.len() - KEEP);
                }
            }
            let _ = tx.send(tail);
        });
    }
    rx
}

/// The line of git's error output that says what went wrong: the first `fatal:` or `error:`
/// line (hints and boilerplate follow it), except that git's generic "could not read from
/// remote repository" yields to the line before it (ssh's "Permission denied (publickey)");
/// without such a line, the last line.
fn last_error_line(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let lines: Vec<&str> = text
        .split(['\n', '\r'])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let line = match lines
        .iter()
        .position(|l| l.starts_with("fatal:") || l.starts_with("error:"))
    {
        Some(i) if i > 0 && lines[i].contains("Could not read from remote repository") => lines[i - 1],
        Some(i) => lines[i],
        None => lines.last().copied().unwrap_or(""),
    };
    line.chars().filter(|c| !c.is_control()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_gits_error_line() {
        let stderr = b"fatal: detected dubious ownership in repository at '/x'\nTo add an exception, call:\n\n\tgit config --global --add safe.directory /x\n";
        assert_eq!(
            last_error_line(stderr),
            "fatal: detected dubious ownership in repository at '/x'"
        );
        assert_eq!(last_error_line(b"remote: nope\r\nsomething\n"), "something");
        let ssh = b"git@github.com: Permission denied (publickey).\r\nfatal: Could not read from remote repository.\n\nPlease make sure you have the correct access rights\nand the repository exists.\n";
        assert_eq!(last_error_line(ssh), "git@github.com: Permission denied (publickey).");
        let missing =
            b"fatal: '/r' does not appear to be a git repository\nfatal: Could not read from remote repository.\n";
        assert_eq!(
            last_error_line(missing),
            "fatal: '/r' does not appear to be a git repository"
        );
        assert_eq!(last_error_line(b""), "");
    }
}
