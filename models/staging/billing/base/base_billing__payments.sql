{{ config(materialized='table') }}
{#- Every raw payment, typed, with the reason it is unfit (or null). A payment of an
    invoice nobody knows is set aside later (int_invoices_settled: unknown_invoice). -#}
{%- set raw = source('billing', 'payments') -%}
{%- set path = raw_input_path('payments') -%}
{%- set input = 'The payments file ' ~ path -%}
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
        nullif(trim({{ input_column(columns, 'payment_id', dbt.type_string()) }}), '') as payment_id,
        nullif(trim({{ input_column(columns, 'invoice_id', dbt.type_string(), true, input) }}), '') as invoice_id,

        -- numerics
        {{ input_column(columns, 'amount', 'decimal(18, 2)', true, input) }} as amount,

        -- timestamps
        {{ input_column(columns, 'paid_at', 'timestamp', true, input) }} as paid_at,

        copy_number

    from numbered

),

final as (

    select
        *,
        case
            when invoice_id is null then 'missing_invoice_id'
            when paid_at is null then 'invalid_paid_at'
            {% if load_date -%}
                when cast(paid_at as date) > cast('{{ load_date }}' as date) then 'date_in_future'
            {% endif -%}
            when amount is null or amount <= 0 then 'invalid_amount'
            when copy_number > 1 then 'duplicate_row'
        end as rejection_reason
    from typed

)

select * from final
