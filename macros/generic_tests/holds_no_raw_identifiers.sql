{#- Values of `model` that are a raw customer id or contact detail: every text column,
    trimmed and in lower case, against the `identifier` column of `identifiers` (the
    restricted mart customer_identifiers). Each public mart carries this test (a project
    rule, tests/python/test_project_rules.py). Ids and contact details are text in every
    input contract, so text columns are where one would leak. -#}
{% test holds_no_raw_identifiers(model, identifiers) %}
{%- set text_columns = [] -%}
{%- if execute -%}
    {%- for column in adapter.get_columns_in_relation(model) if column.is_string() -%}
        {%- do text_columns.append(column.name) -%}
    {%- endfor -%}
{%- endif %}
with

known as (

    select identifier from {{ identifiers }}

),

published as (

    {%- for column in text_columns %}
    select
        '{{ column }}' as column_name,
        lower(trim({{ adapter.quote(column) }})) as value
    from {{ model }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- else %}
    select
        cast(null as {{ dbt.type_string() }}) as column_name,
        cast(null as {{ dbt.type_string() }}) as value
    {%- endfor %}

)

select
    published.column_name,
    published.value
from published
inner join known
    on published.value = known.identifier
{% endtest %}
