{% macro known_customer_ids(customers, order_lines) %}
    {#- The query of the customer ids that events, invoices and the like may belong to: the
        real customers of the customer file, or without one, every customer with a usable
        order line. Rows of other ids are set aside as unknown_customer.
        customers: ref('stg_crm__customers'); order_lines: ref('int_order_lines_converted'). -#}
    {%- if customer_scoring.raw_input_path('customers') is not none -%}
        select customer_id from {{ customers }}
        where not is_test_account
    {%- else -%}
        select distinct customer_id from {{ order_lines }}
        where rejection_reason is null
    {%- endif -%}
{% endmacro %}


{% macro test_account_ids(base_customers) %}
    {#- The query of the ids of test accounts in the customer file (their rows are set aside
        as test_account). base_customers: ref('base_crm__customers'). -#}
    select customer_id from {{ base_customers }}
    where is_test_account and rejection_reason is null
{% endmacro %}


{% macro profiling_objector_ids(rights) %}
    {#- The query of the ids of customers who objected to profiling (GDPR art. 21): they get
        no behaviour score, churn, lifetime value or marketing segment. rights:
        ref('int_customer_rights'). -#}
    select customer_id from {{ rights }}
    where has_objected_to_profiling
{% endmacro %}
