{#- Settings of the campaign results (models/marts/campaigns, docs/campaigns.md). -#}

{% macro campaign_setting(name) %}
    {#- var `name` (campaign_pre_days, campaign_post_days, campaign_min_group_customers):
        a whole number of at least 1, declared in dbt_project.yml. -#}
    {%- set value = var(name) -%}
    {%- if value is not number or value is boolean or value < 1 or value != value | int -%}
        {{ exceptions.raise_compiler_error(name ~ " must be a whole number of at least 1; got '" ~ value ~ "'.") }}
    {%- endif -%}
    {{ return(value | int) }}
{% endmacro %}


{% macro normal_quantile_975() %}
    {#- The 97.5th percentile of the standard normal distribution: a 95% two-sided
        interval is the estimate +- this many standard errors. -#}
    {{ return(1.959963984540054) }}
{% endmacro %}


{% macro rounded_decimal(expression, scale=6) %}
    {#- `expression` rounded to `scale` decimals as decimal(18, scale): the same digits on
        every engine, whatever type the arithmetic gave (double on DuckDB, numeric on
        PostgreSQL, whose round() takes no double with a scale). -#}
    cast(round(cast({{ expression }} as {{ dbt.type_numeric() }}), {{ scale }}) as decimal(18, {{ scale }}))
{%- endmacro %}
