//! The fast path against the full path: identical documents and errors, or a fallback.
//!
//! Every comparison runs the whole chunk parse twice, with and without the fast path, and
//! requires the same `Debug` text of the result (documents with their lines, or the error's
//! line and message). Inputs: hand-written cases, every YAML file of the repository, random
//! trees written in varied styles, and random mutations of realistic manifests.

use std::path::{Path, PathBuf};

use super::super::{Dialect, Limits, documents, kyaml, parse_chunk_with};
use super::testgen::{Styler, TOKENS, any_value};
use super::{read_piece, read_stream};
use crate::yaml::value::Value;

/// The chunk parse's result as text (NaN-safe), with or without the fast path.
fn run(text: &str, dialect: Dialect, fast: bool) -> String {
    let limits = Limits::default();
    let single_piece = match dialect {
        Dialect::Kustomize => match kyaml::split_documents(text, false) {
            Ok(pieces) => pieces.len() == 1,
            Err(e) => return format!("{e:?}"),
        },
        Dialect::Helm => true,
    };
    format!(
        "{:?}",
        parse_chunk_with(text, dialect, &limits, 0, single_piece, fast).map(|(docs, _)| docs)
    )
}

/// Documents the fast path reads, and all documents (pieces in the Kustomize dialect).
fn share(text: &str, dialect: Dialect) -> (usize, usize) {
    let limits = Limits::default();
    match dialect {
        Dialect::Helm => match documents::pieces(text) {
            Some(pieces) => {
                let fast = pieces
                    .iter()
                    .filter(|&&(start, end, _)| read_stream(&text[start..end], &limits, 0).is_some())
                    .count();
                (fast, pieces.len())
            }
            None => (0, 1),
        },
        Dialect::Kustomize => {
            let Ok(pieces) = kyaml::split_documents(text, false) else {
                return (0, 1);
            };
            let fast = pieces
                .iter()
                .filter(|p| read_piece(&text[p.start..p.end], &limits, 0).is_some())
                .count();
            (fast, pieces.len())
        }
    }
}

/// Both paths agree on `text` in both dialects.
fn check(text: &str) {
    for dialect in [Dialect::Kustomize, Dialect::Helm] {
        let (slow, fast) = (run(text, dialect, false), run(text, dialect, true));
        assert_eq!(fast, slow, "{dialect:?} on {text:?}");
    }
}

/// Both paths agree and the fast one reads every document.
fn fast(text: &str) {
    check(text);
    for dialect in [Dialect::Kustomize, Dialect::Helm] {
        let (fast, all) = share(text, dialect);
        assert_eq!(fast, all, "{dialect:?} fell back on {text:?}");
    }
}

/// Both paths agree and the fast one falls back in both dialects.
fn falls_back(text: &str) {
    check(text);
    for dialect in [Dialect::Kustomize, Dialect::Helm] {
        assert_eq!(share(text, dialect).0, 0, "{dialect:?} took {text:?}");
    }
}

const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app.kubernetes.io/name: web
    version: \"1.2\"
  annotations:
    example.com/owner: team-a@example.com # who
spec:
  replicas: 3
  template:
    spec:
      containers:
      - name: main
        image: registry.example.com/web:1.2.3
        args: [\"--port=8080\", --verbose, 'x y']
        env:
        - name: A
          value: 'it''s'
        - {name: B, value: \"tab\\there\"}
        resources:
          requests: {cpu: 10m, memory: 32Mi}
          limits: {}
        ports: []
---
# a comment
apiVersion: v1
kind: ConfigMap
data:
  settings.yaml: |
    server:
      port: 8080

    tracing: true
  strip: |-
    x
  empty:
  on: yes
  n: 0x1F
  f: 1e3
  t: 2024-01-01
";

#[test]
fn manifests_take_the_fast_path() {
    fast(DEPLOYMENT);
    fast("a: 1\n");
    fast("a: 1");
    fast("---\na: 1\n---\nb: 2\n--- # c\nc: [1, {d: e}]\n");
    fast(
        "a:\n- b\n- c: 1\n  d: 2\n-\n  e: 3\n- - \nf: x\n"
            .replace("- - \n", "- g\n")
            .as_str(),
    );
    fast("a:\n    - 1\n    - 2\nb:\n  c:\n    d: |\n      x\n\n      y\n\n\ne: 'q'\n");
    fast("- a\n- b: c\n  d: [e, f]\n");
    fast("a: b#c\nd: e # f\ng: \"h # i\"\nj: k:l\nm: http://x/y?z=1&w=2\nn: ---x\no: -1\np: a, b [c] {d}\n");
    fast("a: {b: , c: ~, e: 2024-01-01, f: 1, g: ''}\nh: [x, 'y', \"z\", []]\n");
    fast("\"quoted key\": 1\n'single': 2\nkey with spaces: 3\n");
    fast("a: \"\\\\ \\\" \\n \\t \\r \\0 \\a \\b \\e \\f \\v \\ \"\n");
    fast("a:\n  b:\n  - |\n    lit\n  c: d\n");
    // Folded blocks: the Helm dialect reads them, the Kustomize one refolds them (full path).
    for text in [
        "a: >\n  one\n  two\n\n  three\n    more\n  four\n\n\nb: >-\n  x\n  y\n",
        "- >\n\n  a\n   b\n\n   c\n  d\n  e\n",
    ] {
        check(text);
        assert_eq!(share(text, Dialect::Helm), (1, 1), "{text:?}");
        assert_eq!(share(text, Dialect::Kustomize), (0, 1), "{text:?}");
    }
    fast("name: café\n\"ключ\": 値\nemoji: [😀, '☺']\nlit: |\n  ü\n# ß\n");
    check("# only\n---\n---\na: 1\n---\n");
    assert_eq!(share("# only\n---\n---\na: 1\n---\n", Dialect::Helm), (4, 4));
}

#[test]
fn everything_else_falls_back() {
    for text in [
        "a: &x 1\nb: *x\n",
        "a: !!str 1\n",
        "a:\n  <<: {b: 1}\n",
        "a: |+\n  kept\n\n",
        "a: |2\n   x\n",
        "a: plain\n  continued\n",
        "a: \"two\n  lines\"\n",
        "a: [1,\n  2]\n",
        "? a\n: b\n",
        "a: 1\n...\n",
        "a:\tb\n",
        "a: 1\r\nb: 2\r\n",
        "\u{feff}a: 1\n",
        "a: x\u{85}y\n",
        "a: x\u{a0}y\n",
        "a: x\u{2028}y\n",
        "a: \u{feff}x\n",
        "  a: 1\n",
        "scalar\n",
        "a: 1\na: 2\n",
        "a: 1\n b: 2\n",
        "a: b: c\n",
        "a: \"x\" y\n",
        "a: \"\\/\"\n",
        "a: \"\\'\"\n",
        "a: {b:}\n",
        "a: [b, ]\n",
        "a: [b: c]\n",
        "a: [http://x]\n",
        "a: [?x]\n",
        "a: - b\n",
        "- - a\n",
        "key : value\n",
        "a: |\n  \n  x\n",
        "a: |\n  x",
    ] {
        falls_back(text);
    }
    // Kustomize-only fallbacks: non-string keys, `List` kinds, empty documents.
    for text in ["a:\n  1: x\n", "true: 1\n", "kind: List\nitems: []\n", "---\n"] {
        check(text);
        assert_eq!(share(text, Dialect::Kustomize).0, 0, "{text:?}");
    }
    // Directives: kyaml cuts them off into a piece of their own.
    check("%YAML 1.1\n---\na: 1\n");
    assert_eq!(share("%YAML 1.1\n---\na: 1\n", Dialect::Helm).0, 0);
}

#[test]
fn line_numbers_match() {
    fast("# header\n\napiVersion: v1\n---\n# c\n\nkind: A\n---\nb: 1\n");
    // An empty document: Helm reads it fast, the Kustomize piece falls back.
    let text = "a: 1\n---\n\n---\nb: 1\n---\n";
    check(text);
    assert_eq!(share(text, Dialect::Helm), (4, 4));
    // A lone CR is a line break to saphyr: the pieces after it keep their lines.
    check("a: 1\nb: x\ry\n---\nc: 1\n");
    check("a: 1\r\nb: 2\r\n---\r\nc: 1\r\n---\nd: 1\n");
    check("a: 1\n---\nb: 2\nb: 3\n");
}

#[test]
fn depth_near_the_limit_falls_back() {
    let mut text = String::new();
    for i in 0..600 {
        text.push_str(&" ".repeat(i));
        text.push_str("a:\n");
    }
    check(&text);
    check(&format!("a: {}1{}\n", "[".repeat(600), "]".repeat(600)));
    let limits = Limits {
        max_depth: 3,
        ..Limits::default()
    };
    assert!(read_stream("a:\n  b:\n    c: 1\n", &limits, 0).is_none());
    assert!(read_stream("a:\n  b: 1\n", &limits, 0).is_some());
}

/// Every YAML file under the repository's fixture folders.
fn repository_yaml() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                out.push(path);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["fixtures", "overlays", "charts"] {
        walk(&root.join(dir), &mut files);
    }
    files.sort();
    files
}

#[test]
fn repository_yaml_files_agree() {
    let files = repository_yaml();
    assert!(files.len() > 100, "{}", files.len());
    let mut totals = [(0, 0), (0, 0)];
    for file in &files {
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        for (i, dialect) in [Dialect::Kustomize, Dialect::Helm].into_iter().enumerate() {
            let (slow, fast) = (run(&text, dialect, false), run(&text, dialect, true));
            assert_eq!(fast, slow, "{dialect:?} on {}", file.display());
            let (f, all) = share(&text, dialect);
            totals[i].0 += f;
            totals[i].1 += all;
        }
    }
    eprintln!(
        "fast path on {} repository files: Kustomize {}/{} pieces, Helm {}/{} documents",
        files.len(),
        totals[0].0,
        totals[0].1,
        totals[1].0,
        totals[1].1
    );
    // The fast path must not silently stop applying.
    assert!(totals[0].0 * 2 > totals[0].1, "{totals:?}");
}

/// Enough styled text takes the fast path for the property below to test it.
#[test]
fn styled_text_often_takes_the_fast_path() {
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut taken = [0; 2];
    let cases = 400;
    for _ in 0..cases {
        let choices: Vec<u8> = (0..300)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                (seed >> 24) as u8
            })
            .collect();
        let text = Styler::stream(&choices);
        for (i, dialect) in [Dialect::Kustomize, Dialect::Helm].into_iter().enumerate() {
            assert_eq!(
                run(&text, dialect, true),
                run(&text, dialect, false),
                "{dialect:?}\n{text}"
            );
            let (fast, all) = share(&text, dialect);
            taken[i] += usize::from(fast == all);
        }
    }
    eprintln!(
        "styled text read fast: Kustomize {}/{cases}, Helm {}/{cases}",
        taken[0], taken[1]
    );
    assert!(taken.iter().all(|&t| t * 8 > cases), "{taken:?}");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1024))]

    /// Styled random text: both paths agree (any text, valid or not).
    #[test]
    fn styled_text_agrees(choices in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400)) {
        let text = Styler::stream(&choices);
        for dialect in [Dialect::Kustomize, Dialect::Helm] {
            proptest::prop_assert_eq!(run(&text, dialect, true), run(&text, dialect, false), "{:?}\n{}", dialect, text);
        }
    }

    /// The canonical emitter's output: both paths agree.
    #[test]
    fn emitted_text_agrees(docs in proptest::collection::vec(any_value(), 1..4)) {
        let docs: Vec<Value> = docs.into_iter().map(|d| match d {
            Value::Map(_) | Value::Seq(_) => d,
            other => Value::Map(std::iter::once(("k".to_string(), other)).collect()),
        }).collect();
        let text = crate::yaml::to_stream(&docs);
        for dialect in [Dialect::Kustomize, Dialect::Helm] {
            proptest::prop_assert_eq!(run(&text, dialect, true), run(&text, dialect, false), "{:?}\n{}", dialect, text);
        }
    }

    /// Realistic manifests with random edits: both paths agree.
    #[test]
    fn mutated_manifests_agree(edits in proptest::collection::vec(
        (proptest::prelude::any::<proptest::sample::Index>(), 0..4u8, proptest::sample::select(TOKENS)), 1..4)) {
        let mut text = DEPLOYMENT.to_string();
        for (at, op, token) in edits {
            let mut i = at.index(text.len() + 1);
            while !text.is_char_boundary(i) {
                i -= 1;
            }
            match op {
                0 | 1 => text.insert_str(i, token),
                2 => {
                    let end = (i + token.len()).min(text.len());
                    if text.is_char_boundary(end) {
                        text.replace_range(i..end, "");
                    }
                }
                _ => {
                    // Re-indent the line holding `i`.
                    let start = text[..i].rfind('\n').map_or(0, |n| n + 1);
                    text.insert_str(start, &" ".repeat(token.len() % 3 + 1));
                }
            }
        }
        for dialect in [Dialect::Kustomize, Dialect::Helm] {
            proptest::prop_assert_eq!(run(&text, dialect, true), run(&text, dialect, false), "{:?}\n{}", dialect, text);
        }
    }
}

/// Reports the fast path's share of the documents of the files in `YAML_FAST_FILES`
/// (colon-separated), e.g. the stream `bench/lint.py` generates, after checking both paths
/// agree on them.
#[test]
#[ignore = "reads the files named in YAML_FAST_FILES"]
fn share_of_given_files() {
    let files = std::env::var("YAML_FAST_FILES").expect("YAML_FAST_FILES");
    let mut totals = [(0, 0), (0, 0)];
    for file in files.split(':') {
        let Ok(text) = std::fs::read_to_string(file) else {
            eprintln!("{file}: skipped (not UTF-8)");
            continue;
        };
        for (i, dialect) in [Dialect::Kustomize, Dialect::Helm].into_iter().enumerate() {
            assert_eq!(
                run(&text, dialect, true),
                run(&text, dialect, false),
                "{dialect:?} on {file}"
            );
            let (fast, all) = share(&text, dialect);
            totals[i].0 += fast;
            totals[i].1 += all;
        }
    }
    eprintln!(
        "read by the fast path: Kustomize {}/{} pieces, Helm {}/{} documents",
        totals[0].0, totals[0].1, totals[1].0, totals[1].1
    );
}
