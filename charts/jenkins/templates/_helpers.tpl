{#- Macros shared by the Jenkins templates. Files starting with `_` emit nothing. -#}

{#- The chart name, or nameOverride. -#}
{% macro name() -%}
{{ (Values.nameOverride or Chart.Name) | trunc(63) | trimSuffix("-") }}
{%- endmacro %}

{#- Object names: fullnameOverride, else the release name when it already contains the chart
    name, else RELEASE-CHART; at most 63 characters (DNS label). -#}
{% macro fullname() -%}
{%- if Values.fullnameOverride -%}
{{ Values.fullnameOverride | trunc(63) | trimSuffix("-") }}
{%- elif name() in Release.Name -%}
{{ Release.Name | trunc(63) | trimSuffix("-") }}
{%- else -%}
{{ (Release.Name ~ "-" ~ name()) | trunc(63) | trimSuffix("-") }}
{%- endif -%}
{%- endmacro %}

{#- Labels that select the Jenkins pod; they never change between upgrades. -#}
{% macro selectorLabels() -%}
app.kubernetes.io/name: {{ name() }}
app.kubernetes.io/instance: {{ Release.Name }}
app.kubernetes.io/component: jenkins-master
{%- endmacro %}

{#- Labels every object carries. -#}
{% macro labels() -%}
helm.sh/chart: {{ Chart.Name }}-{{ Chart.Version }}
{{ selectorLabels() }}
app.kubernetes.io/version: {{ Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ Release.Service }}
{%- endmacro %}

{#- The ServiceAccount the pod runs as. -#}
{% macro serviceAccountName() -%}
{%- if Values.serviceAccount.create -%}
{{ Values.serviceAccount.name or fullname() }}
{%- else -%}
{{ Values.serviceAccount.name or "default" }}
{%- endif -%}
{%- endmacro %}

{#- The URL prefix Jenkins serves under, taken from a --prefix=PATH in master.jenkinsOpts
    (empty when there is none). -#}
{% macro uriPrefix() -%}
{%- set ns = namespace(prefix="") -%}
{%- for opt in (Values.master.jenkinsOpts or "") | split -%}
{%- if opt is startingwith("--prefix=") %}{% set ns.prefix = opt[9:] | trimSuffix("/") %}{% endif -%}
{%- endfor -%}
{{ ns.prefix }}
{%- endmacro %}
