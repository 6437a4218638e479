{#- Engine shims for dbt's cross-database macros (found first through the `dispatch`
    search order in dbt_project.yml). -#}

{% macro duckdb__safe_cast(field, type) %}
    {#- dbt-duckdb ships no safe_cast, so dbt.safe_cast would be a plain cast that stops the
        whole run on one unparseable value. try_cast gives null instead, and the row is
        quarantined with a reason. -#}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}


{% macro rounded_text(expression, digits) %}
    {#- A number as text with a fixed number of decimals, e.g. 12.5, for readable reasons. -#}
    cast(cast({{ expression }} as decimal(18, {{ digits }})) as {{ dbt.type_string() }})
{%- endmacro %}


{% macro duckdb__type_float() %}
    {#- dbt's type_float is `float`, which DuckDB (like Spark) takes as a 4-byte real: about
        7 digits, too few for decayed sums, probabilities and customer ages. Postgres'
        `float` is already 8 bytes. -#}
    double
{%- endmacro %}


{% macro spark__type_float() %}
    double
{%- endmacro %}


{% macro refresh_statistics() %}
    {#- post-hook of every model and seed: fresh planner statistics where the engine does not
        keep them itself. Without them PostgreSQL plans a just-created table as one row
        and picks nested loops: int_invoices_settled took 76 s instead of 0.5 s. -#}
    {{ return(adapter.dispatch('refresh_statistics', 'customer_scoring')()) }}
{% endmacro %}

{% macro default__refresh_statistics() %}
    {{ return('') }}
{% endmacro %}

{% macro postgres__refresh_statistics() %}
    {%- if model.config.materialized in ('table', 'incremental', 'seed') -%}
        {{ return('analyze ' ~ this) }}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}
