{{ config(materialized='table') }}
{#- Every raw payment, typed, with the reason it is unfit (or null). A payment of an
    invoice nobody knows is set aside later (int_invoices_settled: unknown_invoice). -#}
{%- set raw = source('billing', 'payments') -%}
{%- set path = raw_input_path('payments') -%}
{%- set input = raw_input_contract('payments') -%}
{%- set columns = relation_columns(raw_input(raw)) if path else {} -%}
{%- set load_date = load_date_iso() -%}

with

numbered as (

    {{ raw_source_rows(raw, copies=true) }}

),

typed as (

    select
        -- ids
        source_row_number,
        nullif(trim({{ contract_column(input, columns, 'payment_id') }}), '') as payment_id,
        nullif(trim({{ contract_column(input, columns, 'invoice_id') }}), '') as invoice_id,

        -- numerics
        {{ contract_column(input, columns, 'amount') }} as amount,

        -- timestamps
        {{ contract_column(input, columns, 'paid_at') }} as paid_at,

        copy_number

    from numbered

),

final as (

    select
        *,
        case
            when invoice_id is null then 'missing_invoice_id'
            when not {{ contract_rule(input, 'scientific_notation_id') }} then 'scientific_notation_id'
            when paid_at is null then 'invalid_paid_at'
            when not {{ contract_rule(input, 'placeholder_date') }} then 'placeholder_date'
            {% if load_date -%}
                when cast(paid_at as date) > cast('{{ load_date }}' as date) then 'date_in_future'
            {% endif -%}
            when amount is null or amount <= 0 then 'invalid_amount'
            when copy_number > 1 then 'duplicate_row'
        end as rejection_reason
    from typed

)

select * from final
