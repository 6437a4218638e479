{{ config(materialized='table') }}
{#- Every raw insolvency proceeding, typed, with the reason it is unfit (or null). -#}
{%- set raw = source('legal', 'legal_events') -%}
{%- set path = raw_input_path('legal_events') -%}
{%- set input = raw_input_contract('legal_events') -%}
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
        nullif(trim({{ contract_column(input, columns, 'customer_id') }}), '') as customer_id,

        -- strings
        lower(nullif(trim({{ contract_column(input, columns, 'event_type') }}), '')) as event_type,

        -- dates
        {{ contract_column(input, columns, 'event_date') }} as event_date,

        copy_number

    from numbered

),

final as (

    select
        *,
        case
            when customer_id is null then 'missing_customer_id'
            when not {{ contract_rule(input, 'scientific_notation_id') }} then 'scientific_notation_id'
            when event_date is null then 'invalid_event_date'
            when not {{ contract_rule(input, 'placeholder_date') }} then 'placeholder_date'
            {% if load_date -%}
                when event_date > cast('{{ load_date }}' as date) then 'date_in_future'
            {% endif -%}
            when event_type is null or event_type not in ('safeguard', 'receivership', 'liquidation')
                then 'unknown_event_type'
            when copy_number > 1 then 'duplicate_row'
        end as rejection_reason
    from typed

)

select * from final
-- customers with an erasure request leave the warehouse here (docs/audiences.md)
where {{ not_erased('customer_id', ref('base_privacy__rights_requests')) }}
