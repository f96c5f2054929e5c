//! Imports run downward only (ARCHITECTURE.md): `yaml` → `resource` (and the shared
//! `archive` extractor and `constraint` SemVer rules) → the middle modules
//! (`chart`, `overlay`, `repo`, `cluster`, `lint`, which never import each other) →
//! `pipeline` and `dependency` (side by side) → `release` → `cli`. This test reads the sources and checks every `crate::`
//! path against that order.

use std::path::Path;

use crate::support::root;

fn rank(module: &str) -> Option<u8> {
    Some(match module {
        "yaml" => 0,
        "resource" | "archive" | "constraint" => 1,
        "chart" | "overlay" | "repo" | "cluster" | "lint" => 2,
        "pipeline" | "dependency" => 3,
        "release" => 4,
        _ => return None,
    })
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn imports_run_downward() {
    let src = root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut bad = Vec::new();
    for f in files {
        let rel = f.strip_prefix(&src).unwrap();
        let top = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        let Some(own) = rank(&top) else { continue };
        let text = std::fs::read_to_string(&f).unwrap();
        for (n, line) in text.lines().enumerate() {
            let mut rest = line;
            while let Some(i) = rest.find("crate::") {
                let after = &rest[i + 7..];
                let name: String = after.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                if let Some(r) = rank(&name)
                    && name != top
                    && r >= own
                {
                    bad.push(format!("{}:{}: {top} imports {name}", rel.display(), n + 1));
                }
                rest = after;
            }
        }
    }
    assert!(bad.is_empty(), "imports against the layer order:\n{}", bad.join("\n"));
}
