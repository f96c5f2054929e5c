//! configMapGenerator and secretGenerator: objects made from literals, files and env
//! files, merged with earlier ones by behavior, and named with kustomize's content hash.
//!
//! Part of `overlay`; imports only `yaml`, `resource` and sibling overlay modules.

mod hash;
mod kv;
mod make;
mod merge;

use crate::resource::Document;
use crate::yaml::Map;

use super::error::Error;
use super::kustomization::{GeneratorArgs, GeneratorOptions, Kustomization};
use super::loader::Loader;
use super::resmap::{Behavior, Generated, ResMap, Resource};

use make::{Kind, Spec};

/// Runs the kustomization's generators and adds (or merges) what they make into `rm`:
/// every `configMapGenerator` entry in order, then every `secretGenerator` entry, each
/// absorbed before the next is made (so a later entry may merge into an earlier one).
///
/// # Errors
/// Unreadable sources, malformed literals or env lines, repeated keys, a missing name,
/// and behavior conflicts (create over an existing object, merge or replace with no
/// object or several to take it).
pub fn run(rm: &mut ResMap, k: &Kustomization, ldr: &Loader) -> Result<(), Error> {
    let entries = k.config_map_generator.iter().map(|a| (Kind::ConfigMap, a));
    for (kind, args) in entries.chain(k.secret_generator.iter().map(|a| (Kind::Secret, a))) {
        let field = format!("{}[{}]", kind.field(), args.index);
        let res = generate(kind, args, k, ldr, &field)?;
        merge::absorb(rm, res, &k.file, &field)?;
    }
    Ok(())
}

/// Appends the content hash to the name of every generated object that needs one,
/// recording the old name so references follow.
///
/// # Errors
/// Data that JSON cannot hold (NaN or infinite numbers put there by a later step).
pub fn add_hash_suffixes(rm: &mut ResMap) -> Result<(), Error> {
    for r in rm.iter_mut().filter(|r| r.needs_hash()) {
        let suffix = hash::suffix(r.value()).map_err(|m| Error::field(&r.doc.source, r.cur_id().to_string(), m))?;
        let name = format!("{}-{suffix}", r.name());
        r.set_name(&name);
    }
    Ok(())
}

/// A generator entry's options with the kustomization's `generatorOptions` folded in.
#[derive(Debug, Clone, Default, PartialEq)]
struct Options {
    labels: Map,
    annotations: Map,
    disable_name_suffix_hash: bool,
    immutable: bool,
}

impl Options {
    /// kustomize's `MergeGlobalOptionsIntoLocal`:
    /// - labels and annotations: the entry's win, global ones fill the gaps;
    /// - booleans: true in either place is true (a local `false` cannot undo a global
    ///   `true`).
    fn merged(local: Option<&GeneratorOptions>, global: Option<&GeneratorOptions>) -> Options {
        let mut out = Options::default();
        for o in [global, local].into_iter().flatten() {
            out.labels.extend(o.labels.iter().map(|(k, v)| (k.clone(), v.clone())));
            out.annotations
                .extend(o.annotations.iter().map(|(k, v)| (k.clone(), v.clone())));
            out.disable_name_suffix_hash |= o.disable_name_suffix_hash.unwrap_or(false);
            out.immutable |= o.immutable.unwrap_or(false);
        }
        out
    }
}

fn generate(kind: Kind, args: &GeneratorArgs, k: &Kustomization, ldr: &Loader, field: &str) -> Result<Resource, Error> {
    if args.name.is_empty() {
        return Err(Error::field(
            &k.file,
            format!("{field}.name"),
            format!("a {} generator needs a name", kind.as_str()),
        ));
    }
    let options = Options::merged(args.options.as_ref(), k.generator_options.as_ref());
    let pairs = kv::load(args, ldr, &k.file, field)?;
    let value = make::object(Spec {
        kind,
        name: &args.name,
        namespace: &args.namespace,
        secret_type: &args.secret_type,
        pairs,
        options: &options,
    });
    let behavior = match args.behavior.as_str() {
        "merge" => Behavior::Merge,
        "replace" => Behavior::Replace,
        _ => Behavior::Create,
    };
    Ok(Resource {
        generated: Some(Generated {
            behavior,
            needs_hash: !options.disable_name_suffix_hash,
        }),
        ..Resource::new(Document::new(value, k.file.clone(), 0))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::Value;

    fn write(dir: &std::path::Path, name: &str, content: &[u8]) {
        let p = dir.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, content).unwrap();
    }

    /// Runs the generators of `kustomization` (written to a temp dir with `files`), then
    /// hashes, and returns the objects.
    fn build(kustomization: &str, files: &[(&str, &[u8])]) -> Result<Vec<Value>, Error> {
        let t = tempfile::tempdir().unwrap();
        for (name, content) in files {
            write(t.path(), name, content);
        }
        let k = Kustomization::parse(kustomization.as_bytes(), "kustomization.yaml")?;
        let ldr = Loader::new(t.path(), super::super::loader::LoadRestrictor::RootOnly)?;
        let mut rm = ResMap::new();
        run(&mut rm, &k, &ldr)?;
        add_hash_suffixes(&mut rm)?;
        Ok(rm.into_resources().into_iter().map(|r| r.doc.value).collect())
    }

    fn names(objs: &[Value]) -> Vec<&str> {
        objs.iter().map(|v| v.str_at(&["metadata", "name"]).unwrap()).collect()
    }

    #[test]
    fn options_merge_rules() {
        let mut global = GeneratorOptions {
            disable_name_suffix_hash: Some(true),
            ..Default::default()
        };
        global.labels.insert("global".into(), "yes".into());
        global.labels.insert("both".into(), "global".into());
        let mut local = GeneratorOptions {
            disable_name_suffix_hash: Some(false),
            immutable: Some(true),
            ..Default::default()
        };
        local.labels.insert("both".into(), "local".into());
        let o = Options::merged(Some(&local), Some(&global));
        assert!(o.disable_name_suffix_hash && o.immutable);
        assert_eq!(o.labels["both"], Value::from("local"));
        assert_eq!(o.labels["global"], Value::from("yes"));
        assert_eq!(Options::merged(None, None), Options::default());
    }

    // Expected names come from `kubectl kustomize` (kustomize v5.5.0) on the same input.

    #[test]
    fn literals_configmap() {
        let objs = build(
            "configMapGenerator:\n- name: literals\n  literals:\n  - PLAIN=value\n  - WITH_EQUALS=a=b=c\n  - EMPTY=\n  - NUMBER=42\n  - BOOL=true\n  - SPACES=  padded value\n  - QUOTED=\"double quoted\"\n  - SINGLE='single quoted'\n  - multi.dot.key=x\n  - zz-last=z\n  - AA=first\n",
            &[],
        )
        .unwrap();
        assert_eq!(names(&objs), ["literals-4c926bcdbk"]);
        assert_eq!(objs[0].str_at(&["data", "QUOTED"]), Some("double quoted"));
    }

    #[test]
    fn env_files_configmap() {
        let env = b"# full-line comment\n\nPLAIN=value\n  INDENTED=leading spaces before the key\nTRAILING=value with trailing spaces   \nDQUOTED=\"double quoted\"\nSQUOTED='single quoted'\nEQUALS=a=b\nEMPTY=\nHASH=value # not a comment\nURL=http://example.com/?a=1&b=2\nexport EXPORTED=1\nBARE_KEY\nSPACED = around equals\n\tTAB_INDENTED=tab\n";
        let objs = build(
            "configMapGenerator:\n- name: from-env\n  envs:\n  - app.env\n  - second.env\n",
            &[
                ("app.env", env),
                ("second.env", b"SECOND=from second file\nLAST=no trailing newline"),
            ],
        )
        .unwrap();
        assert_eq!(names(&objs), ["from-env-c62tfb59fb"]);
        assert_eq!(objs[0].str_at(&["data", "SPACED "]), Some(" around equals"));
    }

    #[test]
    fn files_and_binary_data() {
        let objs = build(
            "configMapGenerator:\n- name: mixed\n  files:\n  - blob.bin\n  - text.txt\n  - latin1.txt\n  - utf8.txt\n  - long.bin\nsecretGenerator:\n- name: secret-mixed\n  files:\n  - blob.bin\n  - text.txt\n",
            &[
                ("blob.bin", b"\x00\x01\x02\xff\xfe binary\n"),
                ("text.txt", b"plain text\n"),
                ("latin1.txt", b"caf\xe9\n"),
                ("utf8.txt", "café ✓\n".as_bytes()),
                ("long.bin", &(0u8..86).map(|i| i * 3).chain([255u8; 10]).collect::<Vec<_>>()),
            ],
        )
        .unwrap();
        assert_eq!(objs[0].str_at(&["binaryData", "latin1.txt"]), Some("Y2Fm6Qo="));
        assert_eq!(
            objs[0].str_at(&["binaryData", "long.bin"]).map(|s| s.lines().count()),
            Some(2)
        );
        assert_eq!(names(&objs), ["mixed-4952ht9g4d", "secret-mixed-6bhb97f5t8"]);
    }

    #[test]
    fn options_global_and_local() {
        let objs = build(
            "generatorOptions:\n  disableNameSuffixHash: true\n  labels:\n    global: \"yes\"\nconfigMapGenerator:\n- name: inherits\n  literals: [a=1]\n- name: overrides\n  literals: [b=2]\n  options:\n    disableNameSuffixHash: false\n    labels:\n      global: overridden\n",
            &[],
        )
        .unwrap();
        assert_eq!(names(&objs), ["inherits", "overrides"]);
        assert_eq!(objs[1].str_at(&["metadata", "labels", "global"]), Some("overridden"));
        let frozen = build(
            "generatorOptions:\n  immutable: true\nconfigMapGenerator:\n- name: a\n  literals: [x=1]\n  options:\n    immutable: false\nsecretGenerator:\n- name: s\n  type: \"\"\n  literals: [x=1]\n",
            &[],
        )
        .unwrap();
        assert_eq!(names(&frozen), ["a-hmg6f82fh6", "s-bf2648c599"]);
        assert!(frozen.iter().all(|v| v.get("immutable") == Some(&Value::Bool(true))));
    }

    #[test]
    fn empty_generators() {
        let objs = build(
            "configMapGenerator:\n- name: empty\nsecretGenerator:\n- name: sempty\n",
            &[],
        )
        .unwrap();
        assert_eq!(names(&objs), ["empty-6ct58987ht", "sempty-46f8b28mk5"]);
    }

    #[test]
    fn later_entry_merges_into_earlier_one() {
        let objs = build(
            "configMapGenerator:\n- name: q\n  literals: [a=1]\n- name: q\n  behavior: merge\n  literals: [b=1]\n",
            &[],
        )
        .unwrap();
        assert_eq!(names(&objs), ["q-8gchk5bfmb"]);
    }

    #[test]
    fn secret_types() {
        let objs = build(
            "secretGenerator:\n- name: basic\n  type: kubernetes.io/basic-auth\n  literals: [username=u, password=p]\n- name: from-env\n  envs: [creds.env]\n",
            &[("creds.env", b"API_KEY=abc123\nEMPTY=\n")],
        )
        .unwrap();
        assert_eq!(names(&objs), ["basic-gfbh87f95h", "from-env-658h882d7g"]);
        assert_eq!(objs[1].str_at(&["data", "EMPTY"]), Some(""));
    }

    #[test]
    fn errors_name_the_field() {
        let err = |k: &str, files: &[(&str, &[u8])]| build(k, files).unwrap_err().to_string();
        assert_eq!(
            err("configMapGenerator:\n- literals: [a=1]\n", &[]),
            "kustomization.yaml: configMapGenerator[0].name: a ConfigMap generator needs a name"
        );
        assert_eq!(
            err("configMapGenerator:\n- name: q\n  literals: [novalue]\n", &[]),
            "kustomization.yaml: configMapGenerator[0].literals[0]: 'novalue' is not key=value"
        );
        assert_eq!(
            err(
                "configMapGenerator:\n- name: settings\n  envs: [a.env]\n  literals: [MODE=literal]\n",
                &[("a.env", b"MODE=x\n")]
            ),
            "kustomization.yaml: configMapGenerator[0].literals[0]: key 'MODE' is already set by envs[0]; keys must be unique across envs, literals and files"
        );
        assert_eq!(
            err(
                "secretGenerator:\n- name: s\n  envs: [a.env]\n",
                &[("a.env", b"A=1\nB=\xff\n")]
            ),
            "kustomization.yaml: secretGenerator[0].envs[0]: 'a.env' line 2: invalid UTF-8"
        );
        assert!(
            err("configMapGenerator:\n- name: q\n  files: [missing.txt]\n", &[])
                .contains("configMapGenerator[0].files[0]")
        );
        assert!(
            err("configMapGenerator:\n- name: q\n- name: q\n", &[])
                .starts_with("kustomization.yaml: configMapGenerator[1]: ConfigMap 'q' already exists")
        );
    }
}
