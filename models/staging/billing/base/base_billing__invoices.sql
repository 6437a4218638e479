{{ config(materialized='table') }}
{#- Every raw invoice, typed, with the reason it is unfit (or null). Amounts are in the
    reporting currency. Without the file this is empty and nobody has a payment risk. -#}
{%- set raw = source('billing', 'invoices') -%}
{%- set path = raw_input_path('invoices') -%}
{%- set input = raw_input_contract('invoices') -%}
{%- set columns = relation_columns(raw_input(raw)) if path else {} -%}
{%- set load_date = load_date_iso() -%}

with

numbered as (

    {{ raw_source_rows(raw) }}

),

typed as (

    select
        -- ids
        source_row_number,
        nullif(trim({{ contract_column(input, columns, 'invoice_id') }}), '') as invoice_id,
        nullif(trim({{ contract_column(input, columns, 'customer_id') }}), '') as customer_id,

        -- numerics
        {{ contract_column(input, columns, 'amount') }} as amount,

        -- dates
        {{ contract_column(input, columns, 'due_date') }} as due_date,

        -- timestamps
        {{ contract_column(input, columns, 'issued_at') }} as issued_at

    from numbered

),

flagged as (

    select
        *,
        row_number() over (partition by invoice_id order by source_row_number) as copy_number
    from typed

),

final as (

    select
        *,
        case
            when invoice_id is null then 'missing_invoice_id'
            when customer_id is null then 'missing_customer_id'
            when not {{ contract_rule(input, 'scientific_notation_id') }} then 'scientific_notation_id'
            when issued_at is null then 'invalid_issued_at'
            when due_date is null then 'invalid_due_date'
            when not {{ contract_rule(input, 'placeholder_date') }} then 'placeholder_date'
            {% if load_date -%}
                when cast(issued_at as date) > cast('{{ load_date }}' as date) then 'date_in_future'
            {% endif -%}
            when amount is null or amount <= 0 then 'invalid_amount'
            when copy_number > 1 then 'duplicate_invoice_id'
        end as rejection_reason
    from flagged

)

select * from final
-- customers with an erasure request leave the warehouse here (docs/audiences.md)
where {{ not_erased('customer_id', ref('base_privacy__rights_requests')) }}
