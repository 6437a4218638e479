{{ config(materialized='table') }}
{#- Every raw subscription event, typed, with the reason it is unfit (or null). Without
    the file (bring-your-own mode) this is empty and nobody is a subscriber. -#}
{%- set raw = source('billing', 'subscription_events') -%}
{%- set path = raw_input_path('subscription_events') -%}
{%- set input = raw_input_contract('subscription_events') -%}
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
        nullif(trim({{ contract_column(input, columns, 'subscription_id') }}), '') as subscription_id,
        nullif(trim({{ contract_column(input, columns, 'customer_id') }}), '') as customer_id,

        -- strings
        lower(nullif(trim({{ contract_column(input, columns, 'plan') }}), '')) as plan,
        lower(nullif(trim({{ contract_column(input, columns, 'event_type') }}), '')) as event_type,

        -- timestamps
        {{ contract_column(input, columns, 'event_at') }} as event_at,

        copy_number

    from numbered

),

final as (

    select
        *,
        case
            when subscription_id is null then 'missing_subscription_id'
            when customer_id is null then 'missing_customer_id'
            when plan is null then 'missing_plan'
            when not {{ contract_rule(input, 'scientific_notation_id') }} then 'scientific_notation_id'
            when event_at is null then 'invalid_event_at'
            when not {{ contract_rule(input, 'placeholder_date') }} then 'placeholder_date'
            {% if load_date -%}
                when cast(event_at as date) > cast('{{ load_date }}' as date) then 'date_in_future'
            {% endif -%}
            when event_type is null or event_type not in ('start', 'renewal', 'cancellation') then 'unknown_event_type'
            when copy_number > 1 then 'duplicate_row'
        end as rejection_reason
    from typed

)

select * from final
-- customers with an erasure request leave the warehouse here (docs/audiences.md)
where {{ not_erased('customer_id', ref('base_privacy__rights_requests')) }}
