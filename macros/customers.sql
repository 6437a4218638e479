{% macro known_customer_ids() %}
    {#- The query of the customer ids that events, invoices and the like may belong to: the
        real customers of the customer file, or without one, every customer with a usable
        order line. Rows of other ids are set aside as unknown_customer. -#}
    {%- if customer_scoring.raw_input_path('customers') is not none -%}
        select customer_id from {{ ref('stg_crm__customers') }}
        where not is_test_account
    {%- else -%}
        select distinct customer_id from {{ ref('int_order_lines_converted') }}
        where rejection_reason is null
    {%- endif -%}
{% endmacro %}


{% macro test_account_ids() %}
    {#- The query of the ids of test accounts in the customer file (their rows are set aside
        as test_account). -#}
    select customer_id from {{ ref('base_crm__customers') }}
    where is_test_account and rejection_reason is null
{% endmacro %}
