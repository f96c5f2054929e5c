//! What the end-to-end scenarios need: the rudder binary pointed at a kubeconfig, and a kube-rs
//! client to read objects back through the API.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use kube::api::{Api, DynamicObject, Patch, PatchParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::core::GroupVersionKind;
use kube::discovery::pinned_kind;

use crate::support::root;

/// The outcome of one rudder run.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Stdout lines, sorted (kubectl and rudder order objects differently).
    pub fn sorted_lines(&self) -> Vec<String> {
        let mut v: Vec<String> = self.stdout.lines().map(str::to_string).collect();
        v.sort();
        v
    }

    #[track_caller]
    pub fn ok(self) -> Run {
        assert_eq!(
            self.code, 0,
            "rudder failed:\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

/// Runs `rudder ARGS --kubeconfig KUBECONFIG` from the repository root with `stdin`, with
/// `$KUBECONFIG` unset.
pub fn run_rudder(kubeconfig: &Path, args: &[&str], stdin: &str) -> Run {
    run_rudder_env(kubeconfig, args, stdin, &[])
}

/// [`run_rudder`] with extra environment variables (e.g. `RUDDER_CONFIG_HOME` for repositories).
pub fn run_rudder_env(kubeconfig: &Path, args: &[&str], stdin: &str, env: &[(&str, &Path)]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rudder"))
        .args(args)
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .current_dir(root())
        .env_remove("KUBECONFIG")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run rudder");
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A cluster under test.
pub struct Cluster {
    pub kubeconfig: PathBuf,
    runtime: tokio::runtime::Runtime,
    client: kube::Client,
}

impl Cluster {
    pub fn new(kubeconfig: &Path) -> Cluster {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let client = runtime.block_on(async {
            let kc = Kubeconfig::read_from(kubeconfig).unwrap();
            let config = kube::Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default())
                .await
                .unwrap();
            kube::Client::try_from(config).unwrap()
        });
        Cluster {
            kubeconfig: kubeconfig.to_path_buf(),
            runtime,
            client,
        }
    }

    /// Runs `rudder ARGS --kubeconfig K` with `stdin`.
    pub fn rudder(&self, args: &[&str], stdin: &str) -> Run {
        run_rudder(&self.kubeconfig, args, stdin)
    }

    fn api(&self, api_version: &str, kind: &str, namespace: Option<&str>) -> Api<DynamicObject> {
        let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
        let gvk = GroupVersionKind::gvk(group, version, kind);
        let (ar, _) = self.runtime.block_on(pinned_kind(&self.client, &gvk)).unwrap();
        match namespace {
            Some(ns) => Api::namespaced_with(self.client.clone(), ns, &ar),
            None => Api::all_with(self.client.clone(), &ar),
        }
    }

    /// The live object as JSON, or None when it does not exist.
    pub fn get(&self, api_version: &str, kind: &str, namespace: Option<&str>, name: &str) -> Option<serde_json::Value> {
        let api = self.api(api_version, kind, namespace);
        self.runtime
            .block_on(api.get_opt(name))
            .unwrap()
            .map(|o| serde_json::to_value(o).unwrap())
    }

    /// Whether the object exists and is not being deleted.
    pub fn exists(&self, api_version: &str, kind: &str, namespace: Option<&str>, name: &str) -> bool {
        self.get(api_version, kind, namespace, name)
            .is_some_and(|o| o.pointer("/metadata/deletionTimestamp").is_none())
    }

    /// Server-side applies `body` as another field manager (to provoke conflicts).
    pub fn apply_as(
        &self,
        manager: &str,
        api_version: &str,
        kind: &str,
        namespace: Option<&str>,
        body: serde_json::Value,
    ) {
        let api = self.api(api_version, kind, namespace);
        let name = body
            .pointer("/metadata/name")
            .and_then(|n| n.as_str())
            .unwrap()
            .to_string();
        let params = PatchParams::apply(manager).force();
        self.runtime
            .block_on(api.patch(&name, &params, &Patch::Apply(&body)))
            .unwrap();
    }
}

/// `rudder build DIR`'s output.
pub fn build(dir: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_rudder"))
        .args(["build", dir])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// A fixture file under fixtures/e2e/.
pub fn fixture(name: &str) -> String {
    std::fs::read_to_string(root().join("fixtures/e2e").join(name))
        .unwrap_or_else(|e| panic!("fixtures/e2e/{name}: {e}"))
}

/// Lines of a fixture, sorted.
pub fn fixture_lines(name: &str) -> Vec<String> {
    let mut v: Vec<String> = fixture(name).lines().map(str::to_string).collect();
    v.sort();
    v
}
