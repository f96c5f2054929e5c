//! Revisions stored as Secrets in the release namespace.
//!
//! Layout:
//! - the head Secret `sh.rudder.release.v1.NAME.vN`, type `rudder.dev/release.v1`, labels
//!   `owner=rudder, name=NAME, version=N, status=STATUS`; data `info` (gzip'd JSON of the
//!   record's [`Info`]) and either `release` (gzip'd JSON of its [`Body`]) or, when the body
//!   is too large for one Secret (Kubernetes caps a Secret's data at 1 MiB, helm#11493),
//!   `chunks`: a JSON list of `{secret, sha256, size}`;
//! - chunk Secrets `sh.rudder.release.v1.NAME.vN.chunk-K`, type `rudder.dev/release-chunk.v1`,
//!   labels `owner=rudder, name=NAME, version=N, chunk=K`, data `chunk`: consecutive slices of
//!   the gzip'd body.
//!
//! Chunks are written before the head and deleted after it, and each is checked against its
//! sha256 when read, so a half-written revision is never taken for a whole one: without its head
//! a revision does not exist, and a head whose chunks do not verify is an error.

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::{Value as Json, json};
use sha2::{Digest, Sha256};

use super::Error;
use super::record::{Body, Info, Revision, decode, encode};
use crate::cluster::{ClusterError, ObjectRef, Session};

/// Secret type of a head Secret.
pub const RECORD_TYPE: &str = "rudder.dev/release.v1";
/// Secret type of a chunk Secret.
pub const CHUNK_TYPE: &str = "rudder.dev/release-chunk.v1";
/// Largest body stored in the head itself, and the size of each chunk: well under the 1 MiB
/// cap, leaving room for the `info` entry and metadata.
pub const CHUNK_SIZE: usize = 768 * 1024;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// One chunk as the head lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct ChunkRef {
    secret: String,
    sha256: String,
    size: usize,
}

/// The head Secret's name of revision `version` of `name`.
pub fn secret_name(name: &str, version: u32) -> String {
    format!("sh.rudder.release.v1.{name}.v{version}")
}

/// The revisions of the releases of one namespace.
pub struct Store<'s> {
    session: &'s Session,
    namespace: String,
    chunk_size: usize,
}

fn secrets(namespace: Option<&str>) -> ObjectRef<'_> {
    ObjectRef {
        api_version: "v1",
        kind: "Secret",
        namespace,
    }
}

impl<'s> Store<'s> {
    pub fn new(session: &'s Session, namespace: &str) -> Store<'s> {
        Store {
            session,
            namespace: namespace.to_string(),
            chunk_size: CHUNK_SIZE,
        }
    }

    /// A store splitting bodies over `size` bytes (tests use small sizes).
    pub fn with_chunk_size(mut self, size: usize) -> Store<'s> {
        self.chunk_size = size.max(1);
        self
    }

    fn at(&self) -> ObjectRef<'_> {
        secrets(Some(&self.namespace))
    }

    /// Every revision of `name`, oldest first.
    ///
    /// # Errors
    /// The cluster failing; a record that does not decode or whose chunks do not verify.
    pub fn history(&self, name: &str) -> Result<Vec<Revision>, Error> {
        let heads = self
            .session
            .list_raw(&self.at(), &format!("owner=rudder,name={name},!chunk"))?;
        let mut out = Vec::new();
        for head in heads {
            out.push(self.read(&head)?);
        }
        out.sort_by_key(|r| r.version);
        Ok(out)
    }

    /// Revision `version` of `name`.
    ///
    /// # Errors
    /// [`Error::NoRevision`] when it does not exist; as [`Store::history`].
    pub fn get(&self, name: &str, version: u32) -> Result<Revision, Error> {
        match self.session.get_raw(&self.at(), &secret_name(name, version))? {
            Some(head) => self.read(&head),
            None => Err(Error::NoRevision {
                release: name.to_string(),
                version,
            }),
        }
    }

    /// The latest revision of `name`, if any.
    ///
    /// # Errors
    /// As [`Store::history`].
    pub fn latest(&self, name: &str) -> Result<Option<Revision>, Error> {
        Ok(self.history(name)?.pop())
    }

    /// Decodes a head Secret (reading and verifying its chunks).
    fn read(&self, head: &Json) -> Result<Revision, Error> {
        let secret = head["metadata"]["name"].as_str().unwrap_or_default().to_string();
        let labels = &head["metadata"]["labels"];
        let name = labels["name"].as_str().unwrap_or_default().to_string();
        let version = labels["version"]
            .as_str()
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| corrupt(&secret, "label version: not a number"))?;
        let namespace = head["metadata"]["namespace"]
            .as_str()
            .unwrap_or(&self.namespace)
            .to_string();
        let info: Info = decode(&data(head, "info", &secret)?, &secret)?;
        let body_bytes = if head["data"].get("release").is_some() {
            data(head, "release", &secret)?
        } else {
            let list = data(head, "chunks", &secret)?;
            let chunks: Vec<ChunkRef> =
                serde_json::from_slice(&list).map_err(|e| corrupt(&secret, &format!("data.chunks: {e}")))?;
            let mut bytes = Vec::new();
            for c in &chunks {
                let Some(obj) = self.session.get_raw(&self.at(), &c.secret)? else {
                    return Err(corrupt(&secret, &format!("chunk {} is missing", c.secret)));
                };
                let part = data(&obj, "chunk", &c.secret)?;
                if part.len() != c.size || sha256_hex(&part) != c.sha256 {
                    return Err(Error::ChunkMismatch {
                        secret: c.secret.clone(),
                        head: secret.clone(),
                    });
                }
                bytes.extend_from_slice(&part);
            }
            bytes
        };
        let body: Body = decode(&body_bytes, &secret)?;
        Ok(Revision {
            name,
            namespace,
            version,
            info,
            body,
        })
    }

    /// Writes a new revision: its chunks (if any), then its head.
    ///
    /// # Errors
    /// [`Error::RevisionExists`] when another head of that version exists; the cluster failing.
    pub fn create(&self, rev: &Revision) -> Result<(), Error> {
        let head_name = secret_name(&rev.name, rev.version);
        let body = encode(&rev.body);
        let mut data = serde_json::Map::new();
        data.insert("info".into(), Json::String(B64.encode(encode(&rev.info))));
        if body.len() <= self.chunk_size {
            data.insert("release".into(), Json::String(B64.encode(&body)));
        } else {
            let mut refs = Vec::new();
            for (i, part) in body.chunks(self.chunk_size).enumerate() {
                let secret = format!("{head_name}.chunk-{}", i + 1);
                let obj = json!({
                    "apiVersion": "v1", "kind": "Secret", "type": CHUNK_TYPE,
                    "metadata": {"name": secret, "namespace": self.namespace, "labels": {
                        "owner": "rudder", "name": rev.name, "version": rev.version.to_string(),
                        "chunk": (i + 1).to_string()}},
                    "data": {"chunk": B64.encode(part)},
                });
                self.create_or_same(&secret, &obj)?;
                refs.push(ChunkRef {
                    secret,
                    sha256: sha256_hex(part),
                    size: part.len(),
                });
            }
            let list = serde_json::to_vec(&refs).expect("chunk list serializes");
            data.insert("chunks".into(), Json::String(B64.encode(list)));
        }
        let head = json!({
            "apiVersion": "v1", "kind": "Secret", "type": RECORD_TYPE,
            "metadata": {"name": head_name, "namespace": self.namespace, "labels": labels(rev)},
            "data": data,
        });
        self.create_or_same(&head_name, &head)
    }

    /// Creates `obj`; an existing object with the same data counts as done (a retried create
    /// whose first answer was lost), another one is [`Error::RevisionExists`].
    fn create_or_same(&self, secret: &str, obj: &Json) -> Result<(), Error> {
        match self.session.create_raw(&self.at(), obj) {
            Ok(_) => Ok(()),
            Err(ClusterError::Api { code: 409, .. }) => {
                let live = self.session.get_raw(&self.at(), secret)?;
                if live.is_some_and(|l| l["data"] == obj["data"]) {
                    Ok(())
                } else {
                    Err(Error::RevisionExists {
                        secret: secret.to_string(),
                    })
                }
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Rewrites the head of `rev` with its current [`Info`] (and `status` label).
    ///
    /// # Errors
    /// [`Error::NoRevision`] when the head is gone; the cluster failing.
    pub fn update_info(&self, rev: &Revision) -> Result<(), Error> {
        let secret = secret_name(&rev.name, rev.version);
        let info = B64.encode(encode(&rev.info));
        for _ in 0..3 {
            let Some(mut head) = self.session.get_raw(&self.at(), &secret)? else {
                return Err(Error::NoRevision {
                    release: rev.name.clone(),
                    version: rev.version,
                });
            };
            if head["data"]["info"] == Json::String(info.clone()) {
                return Ok(());
            }
            head["data"]["info"] = Json::String(info.clone());
            head["metadata"]["labels"] = labels(rev);
            match self.session.replace_raw(&self.at(), &secret, &head) {
                Ok(_) => return Ok(()),
                // A retried replace whose first answer was lost: read again and compare.
                Err(ClusterError::Api { code: 409, .. }) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(Error::Conflict { secret })
    }

    /// Deletes revision `version` of `name`: the head first, then its chunks.
    ///
    /// # Errors
    /// The cluster failing.
    pub fn delete(&self, name: &str, version: u32) -> Result<(), Error> {
        self.session.delete_raw(&self.at(), &secret_name(name, version))?;
        let chunks = self
            .session
            .list_raw(&self.at(), &format!("owner=rudder,name={name},version={version},chunk"))?;
        for c in chunks {
            if let Some(n) = c["metadata"]["name"].as_str() {
                self.session.delete_raw(&self.at(), n)?;
            }
        }
        Ok(())
    }

    /// Deletes the oldest revisions so that at most `max` remain (0 keeps all); never the
    /// latest nor the deployed one. Returns how many were deleted.
    ///
    /// # Errors
    /// As [`Store::delete`].
    pub fn prune(&self, history: &[Revision], max: usize) -> Result<usize, Error> {
        if max == 0 || history.len() <= max {
            return Ok(0);
        }
        let latest = history.iter().map(|r| r.version).max().unwrap_or(0);
        let mut excess = history.len() - max;
        let mut deleted = 0;
        for rev in history {
            if excess == 0 {
                break;
            }
            if rev.version == latest || rev.info.status == super::Status::Deployed {
                continue;
            }
            self.delete(&rev.name, rev.version)?;
            excess -= 1;
            deleted += 1;
        }
        Ok(deleted)
    }
}

/// Every revision of every release in `namespace` (`None`: every namespace), or with
/// `latest_only` the newest revision of each, ordered by namespace, name and version.
///
/// # Errors
/// The cluster failing; a record that does not decode.
pub fn revisions(session: &Session, namespace: Option<&str>, latest_only: bool) -> Result<Vec<Revision>, Error> {
    let heads = session.list_raw(&secrets(namespace), "owner=rudder,!chunk")?;
    let mut found: std::collections::BTreeMap<(String, String, u32), &Json> = Default::default();
    for h in &heads {
        let ns = h["metadata"]["namespace"].as_str().unwrap_or_default().to_string();
        let name = h["metadata"]["labels"]["name"].as_str().unwrap_or_default().to_string();
        let version: u32 = h["metadata"]["labels"]["version"]
            .as_str()
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        found.insert((ns, name, version), h);
    }
    let keys: Vec<_> = found.keys().cloned().collect();
    let mut out = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        let newest = keys
            .get(i + 1)
            .is_none_or(|next| (&next.0, &next.1) != (&key.0, &key.1));
        if latest_only && !newest {
            continue;
        }
        out.push(Store::new(session, &key.0).read(found[key])?);
    }
    Ok(out)
}

fn labels(rev: &Revision) -> Json {
    json!({"owner": "rudder", "name": rev.name, "version": rev.version.to_string(),
           "status": rev.info.status.as_str()})
}

fn data(obj: &Json, key: &str, secret: &str) -> Result<Vec<u8>, Error> {
    let text = obj["data"][key]
        .as_str()
        .ok_or_else(|| corrupt(secret, &format!("data.{key} is missing")))?;
    B64.decode(text)
        .map_err(|e| corrupt(secret, &format!("data.{key}: invalid base64: {e}")))
}

fn corrupt(secret: &str, message: &str) -> Error {
    Error::Corrupt {
        secret: secret.to_string(),
        message: message.to_string(),
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn head_names_follow_the_layout() {
        assert_eq!(secret_name("metallb", 3), "sh.rudder.release.v1.metallb.v3");
    }

    #[test]
    fn sha256_is_lowercase_hex() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
