{#- Macros shared by the MetalLB templates. Files starting with `_` emit nothing. -#}

{#- Labels every MetalLB object carries; `component` adds the component label. -#}
{% macro labels(component=none) -%}
app: metallb
{%- if component %}
component: {{ component }}
{%- endif %}
{%- endmacro %}

{#- The image reference of a component, `image:tag`. -#}
{% macro image(component) -%}
{{ component.image }}:{{ component.tag }}
{%- endmacro %}
