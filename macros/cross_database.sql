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
