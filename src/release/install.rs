//! `install`: a new release (or a new life for one whose latest revision is uninstalled or
//! failed), rendered through `pipeline`, recorded pending before anything is applied.

use base64::Engine as _;

use crate::chart::Chart;
use crate::chart::package::{PackageOptions, package};
use crate::chart::render::{KubeVersion, Release, RenderOptions, StreamOptions, to_helm_stream};
use crate::cluster::{ClusterError, ObjectRef};
use crate::pipeline;
use crate::yaml::{self, Map, Value};

use super::record::{Body, ChartRecord, Info, Status, now};
use super::rollout::{Plan, crds_of, docs_of};
use super::{ChartInput, DeployOptions, Error, Event, Releases, Revision, manifest};

/// `rudder install NAME CHART`.
#[derive(Debug, Clone)]
pub struct InstallOptions {
    pub name: String,
    pub chart: ChartInput,
    /// Create the release namespace when it does not exist.
    pub create_namespace: bool,
    pub deploy: DeployOptions,
}

impl Releases<'_> {
    /// Installs a release. With `dry_run`, returns the revision that would be recorded and
    /// writes nothing.
    ///
    /// # Errors
    /// A name in use, the chart or values failing, an object owned by someone else, the lock
    /// held; a failed rollout ([`Error::Failed`], or [`Error::Undone`] with `atomic`).
    pub fn install(&self, opts: &InstallOptions, on_event: &mut dyn FnMut(&Event)) -> Result<Revision, Error> {
        self.prepare_install(opts)?;
        let (lock, history) = if opts.deploy.dry_run {
            (None, self.store().history(&opts.name)?)
        } else {
            let (l, h) = self.begin(&opts.name, "install", opts.deploy.force, on_event)?;
            (Some(l), h)
        };
        let out = self.install_locked(opts, &history, on_event);
        drop(lock);
        out
    }

    /// What comes before the lock: the name checked, the namespace created (`--create-namespace`).
    pub(crate) fn prepare_install(&self, opts: &InstallOptions) -> Result<(), Error> {
        ensure_name(&opts.name)?;
        if opts.create_namespace && !opts.deploy.dry_run {
            self.ensure_namespace()?;
        }
        Ok(())
    }

    /// Installs over `history`, read under the release's lock (held by the caller, unless a dry run).
    pub(crate) fn install_locked(
        &self,
        opts: &InstallOptions,
        history: &[Revision],
        on_event: &mut dyn FnMut(&Event),
    ) -> Result<Revision, Error> {
        if let Some(latest) = history.last()
            && !matches!(latest.info.status, Status::Uninstalled | Status::Failed)
        {
            return Err(Error::InUse {
                release: opts.name.clone(),
                namespace: self.namespace.clone(),
            });
        }
        let version = history.last().map_or(1, |r| r.version + 1);
        let user = crate::chart::values::user_values(&opts.chart.values)?;
        let body = self.build_body(&opts.chart, &opts.chart.chart, user, &opts.name, version, false)?;
        let at = now();
        let rev = Revision {
            name: opts.name.clone(),
            namespace: self.namespace.clone(),
            version,
            info: Info {
                status: Status::PendingInstall,
                first_deployed: at.clone(),
                last_deployed: at,
                deleted: None,
                description: "Initial install underway".into(),
            },
            body,
        };
        if opts.deploy.dry_run {
            return Ok(rev);
        }
        let plan = Plan {
            operation: "install",
            docs: docs_of(&rev)?,
            crds: crds_of(&rev)?,
            previous: Vec::new(),
            rev,
            done: "Install complete".into(),
        };
        self.ensure_owned(&opts.name, &plan.docs, &[], opts.deploy.take_ownership)?;
        let docs = plan.docs.clone();
        match self.roll_out(plan, &opts.deploy, on_event) {
            Ok(rev) => Ok(rev),
            Err(failed) => {
                let (mut rev, e) = *failed;
                if opts.deploy.atomic && rev.info.status == Status::Failed {
                    if let Err(cleanup) = self.remove_objects(&docs, None, on_event) {
                        return Err(Error::Invalid {
                            release: opts.name.clone(),
                            message: format!(
                                "install failed (revision {} recorded as failed): {e}; uninstalling it (--atomic) failed too: {cleanup}",
                                rev.version
                            ),
                        });
                    }
                    rev.info.status = Status::Uninstalled;
                    rev.info.deleted = Some(now());
                    rev.info.description = format!("Install failed and was uninstalled (--atomic): {e}");
                    self.store().update_info(&rev)?;
                    Err(Error::Undone {
                        release: opts.name.clone(),
                        undone: "uninstalled".into(),
                        reason: e.to_string(),
                    })
                } else {
                    Err(failure("install", &rev, e))
                }
            }
        }
    }

    /// Creates the release namespace when missing (`--create-namespace`).
    fn ensure_namespace(&self) -> Result<(), Error> {
        let at = ObjectRef {
            api_version: "v1",
            kind: "Namespace",
            namespace: None,
        };
        if self.session.get_raw(&at, &self.namespace)?.is_some() {
            return Ok(());
        }
        let body = serde_json::json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": self.namespace}});
        match self.session.create_raw(&at, &body) {
            Ok(_) | Err(ClusterError::Api { code: 409, .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// Renders `chart` (through `pipeline`) with the user values `user` as revision `version`
    /// and builds the revision's body. `input.chart` (not `chart`, whose defaults `--reuse-values`
    /// may have replaced) is what gets packaged into the record.
    pub(crate) fn build_body(
        &self,
        input: &ChartInput,
        chart: &Chart,
        user: Map,
        name: &str,
        version: u32,
        is_upgrade: bool,
    ) -> Result<Body, Error> {
        let (major, minor) = self.session.server_version()?;
        let opts = RenderOptions {
            release: Release {
                name: name.to_string(),
                namespace: self.namespace.clone(),
                revision: i64::from(version),
                is_install: !is_upgrade,
                is_upgrade,
            },
            kube_version: KubeVersion {
                major: u64::from(major),
                minor: u64::from(minor),
                patch: 0,
            },
            ..Default::default()
        };
        let out = pipeline::render_with_user(chart, user.clone(), &opts)?;
        let stream = StreamOptions {
            include_crds: false,
            no_hooks: true,
            show_only: Vec::new(),
        };
        let manifest = match &input.post_render {
            Some(dir) => {
                let docs = pipeline::post_render(&out.rendered, &stream, dir)?;
                let values: Vec<Value> = docs.into_iter().map(|d| d.value).collect();
                yaml::to_stream(&values)
            }
            None => to_helm_stream(&out.rendered, &stream).map_err(crate::pipeline::Error::from)?,
        };
        let mut crds = String::new();
        for m in &out.rendered.crds {
            crds.push_str(&format!("---\n# Source: {}\n{}\n", m.source, m.content));
        }
        let hooks = super::hooks::from_manifests(&out.rendered.hooks)?;
        let archive = package(&input.chart, &PackageOptions::default()).map_err(|e| Error::Package(e.to_string()))?;
        Ok(Body {
            chart: ChartRecord {
                metadata: input.chart.metadata.clone(),
                archive: base64::engine::general_purpose::STANDARD.encode(archive.bytes),
            },
            config: Value::Map(user),
            values: out.values,
            manifest,
            crds,
            hooks,
            notes: out.rendered.notes,
        })
    }

    /// Deletes the objects of `docs` (those annotated to keep excepted), missing ones ignored.
    pub(crate) fn remove_objects(
        &self,
        docs: &[crate::resource::Document],
        wait: Option<std::time::Duration>,
        on_event: &mut dyn FnMut(&Event),
    ) -> Result<(), Error> {
        let doomed: Vec<_> = docs.iter().filter(|d| !manifest::is_kept(d)).cloned().collect();
        let opts = crate::cluster::DeleteOptions {
            namespace: Some(self.namespace.clone()),
            namespace_is_default: true,
            ignore_not_found: true,
            wait,
        };
        self.session
            .delete(&doomed, &opts, &mut |e| on_event(&Event::Note(e.line())), &mut |_| {})?;
        Ok(())
    }
}

/// The error of a failed rollout: [`Error::Failed`] when the revision was recorded failed.
pub(crate) fn failure(operation: &'static str, rev: &Revision, e: Error) -> Error {
    if rev.info.status == Status::Failed && !matches!(e, Error::Invalid { .. }) {
        Error::Failed {
            operation,
            release: rev.name.clone(),
            version: rev.version,
            reason: e.to_string(),
        }
    } else {
        e
    }
}

/// Release names as Helm allows them: DNS-1123 labels of at most 53 characters.
fn ensure_name(name: &str) -> Result<(), Error> {
    let ok = !name.is_empty()
        && name.len() <= 53
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        && name.as_bytes()[0].is_ascii_alphanumeric()
        && name.as_bytes()[name.len() - 1].is_ascii_alphanumeric();
    if ok {
        Ok(())
    } else {
        Err(Error::Invalid {
            release: name.to_string(),
            message: "invalid release name: use at most 53 lowercase letters, digits, '-' and '.', starting and ending with a letter or digit".into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_names_are_checked() {
        assert!(ensure_name("metallb").is_ok());
        assert!(ensure_name("web-1.a").is_ok());
        for bad in ["", "Web", "-a", "a-", &"x".repeat(54), "a_b"] {
            assert!(ensure_name(bad).is_err(), "{bad}");
        }
    }
}
