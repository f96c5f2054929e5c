#!/usr/bin/env python3
"""Benchmark: render a large chart with rudder and the equivalent Go-template chart with
Helm (the oracle, /work/shared/helm-oracle), in one run, and print both times and the ratio.

The chart: 200 templates, each a ConfigMap whose data loops over a 1,000-item values list
calling a helper macro per item (about 5 MB of output in all).

The oracle can only run Helm as a real install against its in-process fake API server,
where client-go's rate limit (5 requests/s) makes 200 objects cost ~40 s that have nothing
to do with rendering, and where the release record (holding the whole manifest) is stored
and updated through the fake server. So Helm is measured on twins of the chart:
- "render-only": documents are YAML comments (same template work and output, no objects);
- "discard": each template renders the same loop into a string and prints its length
  (same template work, tiny output: no release-record cost); the fairest figure for
  Helm's own load + values + render;
the oracle's fixed cost (a one-line chart) is subtracted. The "objects" chart is timed for
rudder (and, with --helm-objects, for Helm as well).

Usage: python3 bench/chart.py [--rudder target/release/rudder] [--runs 5] [--keep DIR]
Needs a release build of rudder; Helm's side needs HELM_SDKPY_DIR (see the oracle README).
"""
import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

TEMPLATES = 200
ITEMS = 1000
ORACLE = os.environ.get("HELM_ORACLE", "/work/shared/helm-oracle/oracle.py")

CHART_YAML = "apiVersion: v2\nname: bench\nversion: 1.0.0\nappVersion: \"1.0\"\n"

GO_HELPERS = """{{- define "bench.fullname" -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- define "bench.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}
{{- define "bench.entry" -}}
{{ .item.name }}:{{ .item.port }}/{{ if .item.enabled }}on{{ else }}off{{ end }}
{{- end }}
{{- define "bench.body" -}}
{{- range .Values.items }}
  {{ .name }}: {{ include "bench.entry" (dict "item" .) | quote }}
{{- end }}
{{- end }}
"""

GO_TEMPLATE = """apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "bench.fullname" . }}-N
  labels:
    {{- include "bench.labels" . | nindent 4 }}
data:
{{- range .Values.items }}
  {{ .name }}-N: {{ include "bench.entry" (dict "item" .) | quote }}
{{- end }}
"""

# The render-only twin: the same work, every output line a YAML comment.
GO_TEMPLATE_RENDER_ONLY = """# {{ include "bench.fullname" . }}-N
# {{ include "bench.labels" . | replace "\\n" ", " }}
{{- range .Values.items }}
#  {{ .name }}-N: {{ include "bench.entry" (dict "item" .) | quote }}
{{- end }}
"""

JINJA_HELPERS = """{% macro fullname() -%}
{{ printf("%s-%s", Release.Name, Chart.Name) | trunc(63) | trimSuffix("-") }}
{%- endmacro %}
{% macro labels() -%}
app.kubernetes.io/name: {{ Chart.Name }}
app.kubernetes.io/instance: {{ Release.Name }}
{%- endmacro %}
{% macro entry(item) -%}
{{ item.name }}:{{ item.port }}/{% if item.enabled %}on{% else %}off{% endif %}
{%- endmacro %}
{% macro body() -%}
{%- for item in Values.items %}
  {{ item.name }}: {{ entry(item) | quote }}
{%- endfor %}
{%- endmacro %}
"""

JINJA_TEMPLATE = """apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ fullname() }}-N
  labels:
    {{- labels() | nindent(4) }}
data:
{%- for item in Values.items %}
  {{ item.name }}-N: {{ entry(item) | quote }}
{%- endfor %}
"""

# The discard twins: the whole loop rendered into a string whose length is printed, so
# Helm's install bookkeeping (storing a 5 MB manifest in its release record) is out of the
# measure and what remains is loading, values and template work.
GO_TEMPLATE_DISCARD = """{{- $b := include "bench.body" . -}}
# {{ include "bench.fullname" . }}-N {{ len $b }}
"""

JINJA_TEMPLATE_DISCARD = """{%- set b = body() -%}
# {{ fullname() }}-N {{ b | length }}
"""

JINJA_TEMPLATE_RENDER_ONLY = """# {{ fullname() }}-N
# {{ labels() | replace("\\n", ", ") }}
{%- for item in Values.items %}
#  {{ item.name }}-N: {{ entry(item) | quote }}
{%- endfor %}
"""


def write_chart(root, helpers, template):
    os.makedirs(os.path.join(root, "templates"))
    with open(os.path.join(root, "Chart.yaml"), "w") as f:
        f.write(CHART_YAML)
    with open(os.path.join(root, "values.yaml"), "w") as f:
        f.write("items:\n")
        for i in range(ITEMS):
            f.write("  - name: i%d\n    port: %d\n    enabled: %s\n" % (i, 8000 + i, "true" if i % 3 else "false"))
    with open(os.path.join(root, "templates", "_helpers.tpl"), "w") as f:
        f.write(helpers)
    for n in range(TEMPLATES):
        with open(os.path.join(root, "templates", "cm%03d.yaml" % n), "w") as f:
            f.write(template.replace("-N", "-%d" % n))


def timed(cmd, runs):
    """Best wall time, median wall time, best CPU time (user+sys of the child), output."""
    times, cpus, out = [], [], None
    for _ in range(runs):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        p = subprocess.run(cmd, capture_output=True, text=True)
        times.append(time.perf_counter() - t0)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append((r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime))
        if p.returncode != 0:
            sys.exit("%s failed: %s" % (cmd[0], p.stderr[:2000]))
        out = p.stdout
    return min(times), statistics.median(times), min(cpus), out


def main():
    ap = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(here, "..", "target"))
    ap.add_argument("--rudder", default=os.path.join(target, "release", "rudder"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--keep", help="write the charts here and keep them")
    ap.add_argument("--helm-objects", action="store_true",
                    help="also time Helm on the objects chart (slow: API rate limits)")
    a = ap.parse_args()
    base = a.keep or tempfile.mkdtemp(prefix="rudder-bench-")
    try:
        variants = (("objects", JINJA_TEMPLATE, GO_TEMPLATE),
                    ("render-only", JINJA_TEMPLATE_RENDER_ONLY, GO_TEMPLATE_RENDER_ONLY),
                    ("discard", JINJA_TEMPLATE_DISCARD, GO_TEMPLATE_DISCARD))
        for kind, jinja, go in variants:
            write_chart(os.path.join(base, kind, "jinja", "bench"), JINJA_HELPERS, jinja)
            write_chart(os.path.join(base, kind, "go", "bench"), GO_HELPERS, go)
        results = {}
        for kind, _, _ in variants:
            chart = os.path.join(base, kind, "jinja", "bench")
            r_min, r_med, r_cpu, r_out = timed([a.rudder, "template", "bench", chart], a.runs)
            results[kind] = (r_min, r_cpu, r_out)
            print("rudder template (%s): wall best %.3f s, median %.3f s; CPU %.3f s; %.2f MB, %d documents"
                  % (kind, r_min, r_med, r_cpu, len(r_out) / 1e6, r_out.count("# Source: ")))
        if not os.environ.get("HELM_SDKPY_DIR"):
            print("helm: skipped (HELM_SDKPY_DIR not set)")
            return
        # The oracle's fixed cost (Python, loading the 120 MB library, the fake API
        # server, one install): a one-line chart, subtracted from Helm's figures.
        tiny = os.path.join(base, "tiny")
        os.makedirs(os.path.join(tiny, "templates"))
        with open(os.path.join(tiny, "Chart.yaml"), "w") as f:
            f.write(CHART_YAML)
        with open(os.path.join(tiny, "templates", "a.yaml"), "w") as f:
            f.write("# tiny\n")
        b_min, _, b_cpu, _ = timed([sys.executable, ORACLE, "template", tiny], 3)
        print("oracle fixed cost (one-line chart): wall %.3f s, CPU %.3f s" % (b_min, b_cpu))
        kinds = ("discard", "render-only") + (("objects",) if a.helm_objects else ())
        for kind in kinds:
            chart = os.path.join(base, kind, "go", "bench")
            h_min, h_med, h_cpu, h_out = timed([sys.executable, ORACLE, "template", chart, "--release", "bench"],
                                               max(1, a.runs // 2))
            r_min, r_cpu, r_out = results[kind]
            hw, hc = h_min - b_min, h_cpu - b_cpu
            print("helm via oracle (%s), fixed cost subtracted: wall %.3f s, CPU %.3f s; same output as rudder: %s"
                  % (kind, hw, hc, "yes" if h_out == r_out else "NO"))
            print("ratio (%s, helm / rudder): wall %.1fx, CPU %.1fx" % (kind, hw / r_min, hc / r_cpu))
    finally:
        if not a.keep:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
