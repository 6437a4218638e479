{{ config(materialized='table') }}
{#- Every raw transaction row, typed, with the reason it is unfit for scoring (or null).
    Reason codes: docs/inputs.md (the contract) and docs/bring-your-own.md.
    stg_shop__transactions keeps the fit rows; marts/data_quality shows the others.
    A table, not a view: the checks run once per build however many models and tests
    read it. amount_raw and ordered_at_raw (the values as read, as text) are filled on
    quarantined rows only, where quarantined_rows shows them. -#}
{%- set raw = source('shop', 'transactions') -%}
{%- set input = raw_input_contract('transactions') -%}
{%- set label = 'The transactions file ' ~ raw_input_path('transactions') -%}
{%- set load_date = load_date_iso() -%}
{%- set columns = relation_columns(raw_input(raw)) -%}

with

numbered as (

    {{ raw_source_rows(raw, copies=true) }}

),

typed as (

    select
        -- ids
        source_row_number,
        nullif(trim({{ contract_column(input, columns, 'order_id') }}), '') as order_id,
        nullif(trim({{ contract_column(input, columns, 'customer_id') }}), '') as customer_id,
        nullif(trim({{ contract_column(input, columns, 'product_id') }}), '') as product_id,

        -- strings
        coalesce(
            upper(nullif(trim({{ contract_column(input, columns, 'currency') }}), '')),
            '{{ reporting_currency() }}'
        ) as currency,
        coalesce(
            lower(nullif(trim({{ contract_column(input, columns, 'status') }}), '')),
            'completed'
        ) as line_status,
        -- the values as read, shown for quarantined rows (texted in final, for those only)
        {{ input_column(columns, 'amount', 'raw', true, label) }} as amount_read,
        {{ input_column(columns, 'ordered_at', 'raw', true, label) }} as ordered_at_read,

        -- numerics
        {{ contract_column(input, columns, 'line_number') }} as line_number,
        {{ contract_column(input, columns, 'quantity') }} as quantity,
        {{ contract_column(input, columns, 'amount') }} as amount,

        -- timestamps
        {{ contract_column(input, columns, 'ordered_at') }} as ordered_at,

        -- exact copies of an earlier row get a number above 1
        copy_number

    from numbered

),

judged as (

    select
        *,
        case
            when order_id is null then 'missing_order_id'
            when customer_id is null then 'missing_customer_id'
            when not {{ contract_rule(input, 'scientific_notation_id') }} then 'scientific_notation_id'
            when ordered_at is null then 'invalid_ordered_at'
            when not {{ contract_rule(input, 'placeholder_date') }} then 'placeholder_date'
            when amount is null then 'invalid_amount'
            when amount <= 0 then 'non_positive_amount'
            when amount > {{ max_line_amount() }} then 'implausible_amount'
            {% if load_date -%}
                when cast(ordered_at as date) > cast('{{ load_date }}' as date) then 'date_in_future'
            {% endif -%}
            when line_status not in ('completed', 'cancelled', 'returned', 'refunded')
                then 'unknown_status'
            when copy_number > 1 then 'duplicate_row'
        end as rejection_reason
    from typed

),

final as (

    select
        -- ids
        source_row_number,
        order_id,
        customer_id,
        product_id,

        -- strings
        currency,
        line_status,
        -- as text on quarantined rows only: texting all 19 million rows of the 10M-order
        -- demo took 3 s of the 9 s its typing takes
        case
            when rejection_reason is not null then {{ dbt.safe_cast('amount_read', dbt.type_string()) }}
        end as amount_raw,
        case
            when rejection_reason is not null then {{ dbt.safe_cast('ordered_at_read', dbt.type_string()) }}
        end as ordered_at_raw,
        rejection_reason,

        -- numerics
        line_number,
        quantity,
        amount,
        copy_number,

        -- timestamps
        ordered_at

    from judged

)

select * from final
-- customers with an erasure request leave the warehouse here (docs/audiences.md)
where {{ not_erased('customer_id', ref('base_privacy__rights_requests')) }}
