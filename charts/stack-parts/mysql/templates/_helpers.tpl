{#- Macros shared by this chart's templates. Files starting with `_` emit nothing. -#}

{#- Object names: RELEASE-CHART, or fullnameOverride; at most 63 characters (DNS label). -#}
{% macro fullname() -%}
{%- if Values.fullnameOverride -%}
{{ Values.fullnameOverride | trunc(63) | trimSuffix("-") }}
{%- else -%}
{{ (Release.Name ~ "-" ~ Chart.Name) | trunc(63) | trimSuffix("-") }}
{%- endif -%}
{%- endmacro %}

{#- The full name of a sibling subchart of the stack, e.g. sibling("mysql"). -#}
{% macro sibling(chart) -%}
{{ (Release.Name ~ "-" ~ chart) | trunc(63) | trimSuffix("-") }}
{%- endmacro %}

{#- Labels that select this chart's pods. -#}
{% macro selectorLabels() -%}
app.kubernetes.io/name: {{ Chart.Name }}
app.kubernetes.io/instance: {{ Release.Name }}
{%- endmacro %}

{#- Labels every object carries. -#}
{% macro labels() -%}
helm.sh/chart: {{ Chart.Name }}-{{ Chart.Version }}
{{ selectorLabels() }}
app.kubernetes.io/version: {{ Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ Release.Service }}
app.kubernetes.io/part-of: stack
{%- endmacro %}

{#- storageClassName line of a claim: the chart's own persistence.storageClass, else
    global.storageClass; "-" means no class at all, "" the cluster's default (no line). -#}
{% macro storageClass() -%}
{%- set class = Values.persistence.storageClass or Values.global.storageClass -%}
{%- if class == "-" -%}
storageClassName: ""
{%- elif class -%}
storageClassName: {{ class | quote }}
{%- endif -%}
{%- endmacro %}

{#- The Ingress host of this chart: ingress.host, else CHART.global.domain. -#}
{% macro host() -%}
{{ Values.ingress.host or (Chart.Name ~ "." ~ Values.global.domain) }}
{%- endmacro %}
