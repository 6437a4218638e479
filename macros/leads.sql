{#- Validated settings of lead scoring (docs/leads.md). The scores are SQL models
    (models/intermediate/leads, models/marts/leads); their points are data (seeds
    lead_fit_points, lead_engagement_points, lead_grades). -#}

{% macro lead_half_life_days() %}
    {{ return(customer_scoring.positive_whole_var('lead_half_life_days', 30)) }}
{% endmacro %}


{% macro lead_inactivity_days() %}
    {{ return(customer_scoring.positive_whole_var('lead_inactivity_days', 30)) }}
{% endmacro %}


{% macro lead_conversion_horizon_days() %}
    {{ return(customer_scoring.positive_whole_var('lead_conversion_horizon_days', 90)) }}
{% endmacro %}


{% macro lead_points_var(name, default) %}
    {#- var(name) checked to be a number of points of at least 0. -#}
    {%- set value = var(name, default) -%}
    {%- if value is not number or value is boolean or value < 0 -%}
        {{ exceptions.raise_compiler_error(
            name ~ " must be a number of points of at least 0; got '" ~ value ~ "'.") }}
    {%- endif -%}
    {{ return(value) }}
{% endmacro %}


{% macro lead_inactivity_penalty() %}
    {{ return(customer_scoring.lead_points_var('lead_inactivity_penalty', 10)) }}
{% endmacro %}


{% macro lead_handoff_threshold() %}
    {{ return(customer_scoring.lead_points_var('lead_handoff_threshold', 60)) }}
{% endmacro %}


{% macro lead_lookalike_max_bonus() %}
    {{ return(customer_scoring.lead_points_var('lead_lookalike_max_bonus', 10)) }}
{% endmacro %}


{% macro lead_lookalike_enabled() %}
    {#- var lead_lookalike_enabled, checked: true or false. -#}
    {%- set value = var('lead_lookalike_enabled', false) -%}
    {%- if value is not boolean -%}
        {{ exceptions.raise_compiler_error("lead_lookalike_enabled must be true or false; got '" ~ value ~ "'.") }}
    {%- endif -%}
    {{ return(value) }}
{% endmacro %}


{% macro lead_lookalike_segments() %}
    {#- var lead_lookalike_segments, checked: a non-empty list of segment names, as a SQL list
        of quoted strings (whether the segments exist in the map is data). -#}
    {%- set names = var('lead_lookalike_segments', ['Champions', 'Loyal']) -%}
    {%- if names is string or names is not iterable or names | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            "lead_lookalike_segments must be a non-empty list of segment names, e.g. [Champions, Loyal]; got '"
            ~ names ~ "'.") }}
    {%- endif -%}
    {%- set quoted = [] -%}
    {%- for name in names -%}
        {%- do quoted.append(customer_scoring.sql_string(name | string)) -%}
    {%- endfor -%}
    {{ return(quoted | join(', ')) }}
{% endmacro %}
