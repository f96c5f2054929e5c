//! Rendering small in-memory charts end to end.

use super::*;
use crate::chart::{ChartFile, load_files, values};

fn chart(files: &[(&str, &str)]) -> Chart {
    let mut all = vec![ChartFile {
        name: "Chart.yaml".into(),
        data: b"apiVersion: v2\nname: demo\nversion: 0.1.0\nappVersion: \"1.2\"\n".to_vec(),
    }];
    all.extend(files.iter().map(|(n, d)| ChartFile {
        name: n.to_string(),
        data: d.as_bytes().to_vec(),
    }));
    load_files(all, "demo").unwrap()
}

fn render_with(files: &[(&str, &str)], opts: &RenderOptions) -> Result<Rendered, Error> {
    let c = chart(files);
    let (c, v) = values::compute_with(&c, Default::default()).unwrap();
    render(&c, &v, opts)
}

fn text(files: &[(&str, &str)]) -> String {
    let r = render_with(files, &RenderOptions::default()).unwrap();
    to_helm_stream(&r, &StreamOptions::default()).unwrap()
}

fn err(files: &[(&str, &str)]) -> String {
    render_with(files, &RenderOptions::default()).unwrap_err().to_string()
}

#[test]
fn context_objects() {
    let out = text(&[
        ("values.yaml", "replicas: 3\nname: web\n"),
        (
            "templates/cm.yaml",
            "kind: ConfigMap\nmetadata:\n  name: {{ Release.Name }}-{{ Chart.Name }}\ndata:\n  r: {{ Values.replicas | quote }}\n  ns: {{ Release.Namespace }}\n  v: {{ Chart.Version }}/{{ Chart.AppVersion }}\n  k: {{ Capabilities.KubeVersion }}/{{ Capabilities.KubeVersion.Minor }}\n  apps: {{ Capabilities.APIVersions.has(\"apps/v1\") }}\n  t: {{ Template.Name }} {{ Template.BasePath }}\n  s: {{ Release.Service }}\n",
        ),
    ]);
    assert_eq!(
        out,
        "---\n# Source: demo/templates/cm.yaml\nkind: ConfigMap\nmetadata:\n  name: release-name-demo\ndata:\n  r: \"3\"\n  ns: default\n  v: 0.1.0/1.2\n  k: v1.37.0/37\n  apps: true\n  t: demo/templates/cm.yaml demo/templates\n  s: Rudder\n"
    );
}

#[test]
fn missing_values_chain_and_default() {
    let out = text(&[(
        "templates/a.yaml",
        "kind: A\nx: {{ Values.a.b.c | default(\"d\") }}\ny: {{ Values.e | default(\"f\") }}\nz: '{{ Values.nope }}'\n",
    )]);
    assert!(out.contains("x: d\ny: f\nz: ''\n"), "{out}");
}

#[test]
fn strict_mode_refuses_undefined() {
    let opts = RenderOptions {
        strict: true,
        ..Default::default()
    };
    let e = render_with(&[("templates/a.yaml", "kind: A\n\nx: {{ Values.nope }}\n")], &opts).unwrap_err();
    assert!(
        e.to_string().starts_with("demo/templates/a.yaml:3: undefined value"),
        "{e}"
    );
}

#[test]
fn macros_from_partials_by_name_and_include() {
    let out = text(&[
        (
            "templates/_helpers.tpl",
            "{% macro fullname() %}{{ Release.Name }}-{{ Chart.Name }}{% endmacro %}\n{% macro labels(extra) %}app: {{ fullname() }}\nx: {{ extra }}{% endmacro %}\n",
        ),
        (
            "templates/a.yaml",
            "kind: A\nname: {{ fullname() }}\nlabels:\n{{ include(\"demo.labels\", 7) | indent(2) }}\nother: {{ include(\"fullname\", Values) }}\n",
        ),
    ]);
    assert!(
        out.contains("name: release-name-demo\nlabels:\n  app: release-name-demo\n  x: 7\nother: release-name-demo\n"),
        "{out}"
    );
}

#[test]
fn errors_name_file_and_line_through_macros() {
    let e = err(&[
        (
            "templates/_helpers.tpl",
            "{% macro boom() %}\n{{ fail(\"no way\") }}\n{% endmacro %}\n",
        ),
        ("templates/a.yaml", "kind: A\n\nx: {{ boom() }}\n"),
    ]);
    assert_eq!(
        e,
        "demo/templates/_helpers.tpl:2: no way (called from demo/templates/a.yaml:3)"
    );
    let e = err(&[(
        "templates/a.yaml",
        "kind: A\nx: {{ Values.x | required(\"x is required\") }}\n",
    )]);
    assert_eq!(e, "demo/templates/a.yaml:2: x is required");
    let e = err(&[("templates/a.yaml", "kind: A\n{% if %}\n")]);
    assert!(e.starts_with("demo/templates/a.yaml:2: syntax error"), "{e}");
}

#[test]
fn runaway_templates_fail_fast() {
    let opts = RenderOptions {
        limits: Limits {
            fuel: 100_000,
            ..Limits::default()
        },
        ..Default::default()
    };
    let e = render_with(
        &[(
            "templates/a.yaml",
            "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
        )],
        &opts,
    )
    .unwrap_err();
    assert!(e.to_string().starts_with("demo/templates/a.yaml:1: "), "{e}");
    let e = err(&[
        ("templates/_h.tpl", "{% macro r(n) %}{{ r(n + 1) }}{% endmacro %}"),
        ("templates/a.yaml", "{{ r(1) }}"),
    ]);
    assert!(e.contains("recursion"), "{e}");
    let opts = RenderOptions {
        limits: Limits {
            output_bytes: 1000,
            ..Limits::default()
        },
        ..Default::default()
    };
    let e = render_with(
        &[(
            "templates/a.yaml",
            "kind: A\n{% set s = \"x\" * 600 %}a: {{ s }}\nb: {{ s }}\n",
        )],
        &opts,
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "demo/templates/a.yaml:3: rendered output is over the limit of 1000 bytes"
    );
}

#[test]
fn tpl_renders_with_the_current_context() {
    let out = text(&[
        ("values.yaml", "host: \"{{ Release.Name }}.example.com\"\n"),
        ("templates/_h.tpl", "{% macro n() %}N{% endmacro %}"),
        (
            "templates/a.yaml",
            "kind: A\nh: {{ tpl(Values.host) }}\nm: {{ \"{{ n() }}\" | tpl }}\n",
        ),
    ]);
    assert!(out.contains("h: release-name.example.com\nm: N\n"), "{out}");
}

#[test]
fn files_object() {
    let out = text(&[
        ("conf/a.ini", "x=1\n"),
        ("conf/b.ini", "y=2"),
        (
            "templates/a.yaml",
            "kind: A\ng: {{ Files.get(\"conf/b.ini\") }}\nc:\n{{ Files.glob(\"conf/*.ini\").as_config() | indent(2) }}\nl: {{ Files.lines(\"conf/a.ini\") | length }}\n",
        ),
    ]);
    assert!(
        out.contains("g: y=2\nc:\n  a.ini: |\n    x=1\n  b.ini: y=2\nl: 1\n"),
        "{out}"
    );
}

#[test]
fn notes_apart_and_hooks_last() {
    let r = render_with(
        &[
            ("templates/NOTES.txt", "Installed {{ Release.Name }}."),
            (
                "templates/job.yaml",
                "kind: Job\nmetadata:\n  annotations:\n    helm.sh/hook: post-install\n",
            ),
            ("templates/svc.yaml", "kind: Service\n"),
        ],
        &RenderOptions::default(),
    )
    .unwrap();
    assert_eq!(r.notes.as_deref(), Some("Installed release-name."));
    assert_eq!(
        to_helm_stream(&r, &StreamOptions::default()).unwrap(),
        "---\n# Source: demo/templates/svc.yaml\nkind: Service\n---\n# Source: demo/templates/job.yaml\nkind: Job\nmetadata:\n  annotations:\n    helm.sh/hook: post-install\n\n"
    );
}

#[test]
fn builtins_as_helm_prints_them() {
    let out = text(&[
        ("values.yaml", "m: {b: [1, 2], a: {c: \"x y\"}}\ns: \"Hello World\"\n"),
        (
            "templates/a.yaml",
            "kind: A\ny:\n{{ Values.m | toYaml | indent(2) }}\nj: {{ Values.m | toJson }}\nq: [{{ quote(Values.s) }}, {{ Values.s | squote }}]\nt: {{ Values.s | trunc(5) }}|{{ trunc(-5, Values.s) }}|{{ \"a-\" | trimSuffix(\"-\") }}\nb: {{ Values.s | b64enc }} {{ Values.s | b64enc | b64dec }}\nh: {{ \"abc\" | sha256sum | trunc(8) }}\nr: {{ Values.s | regexReplaceAll(\"o\", \"0\") }} {{ regexMatch(\"^H\", Values.s) }}\nv: {{ semverCompare(\">=1.20.0-0\", Capabilities.KubeVersion.Version) }}\nd: '{{ dict(\"a\", 1, b=2) | toJson }} {{ list(1, 2) | append(3) | toJson }} {{ hasKey(Values.m, \"a\") }}'\nn:{{ Values.m.a | toYaml | nindent(2) }}\n",
        ),
    ]);
    let expected = "kind: A\ny:\n  a:\n    c: x y\n  b:\n  - 1\n  - 2\nj: {\"a\":{\"c\":\"x y\"},\"b\":[1,2]}\nq: [\"Hello World\", 'Hello World']\nt: Hello|World|a\nb: SGVsbG8gV29ybGQ= Hello World\nh: ba7816bf\nr: Hell0 W0rld true\nv: true\nd: '{\"a\":1,\"b\":2} [1,2,3] true'\nn:\n  c: x y\n";
    assert!(out.ends_with(expected), "{out}");
}

#[test]
fn invalid_output_names_the_file_and_its_line() {
    let e = err(&[("templates/a.yaml", "kind: A\n---\nkind: B\nx: [\n")]);
    assert_eq!(
        e,
        "demo/templates/a.yaml: rendered output is not valid YAML: line 5 of the output: while parsing a node, did not find expected node content"
    );
}
