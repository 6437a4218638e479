{{ config(materialized='table') }}
{#- Every raw consent change, typed, with the reason it is unfit (or null). Empty without
    a consent events file. -#}
{%- set raw = source('privacy', 'consent_events') -%}
{%- set path = raw_input_path('consent_events') -%}
{%- set input = raw_input_contract('consent_events') -%}
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
        lower(nullif(trim({{ contract_column(input, columns, 'channel') }}), '')) as channel,
        lower(nullif(trim({{ contract_column(input, columns, 'consent_status') }}), '')) as consent_status,
        lower(nullif(trim({{ contract_column(input, columns, 'consent_source') }}), '')) as consent_source,

        -- timestamps
        {{ contract_column(input, columns, 'event_at') }} as event_at,

        copy_number

    from numbered

),

final as (

    select
        *,
        case
            when customer_id is null then 'missing_customer_id'
            when not {{ contract_rule(input, 'scientific_notation_id') }} then 'scientific_notation_id'
            when event_at is null then 'invalid_event_at'
            when not {{ contract_rule(input, 'placeholder_date') }} then 'placeholder_date'
            {% if load_date -%}
                when cast(event_at as date) > cast('{{ load_date }}' as date) then 'date_in_future'
            {% endif -%}
            when channel is null or channel not in ('email', 'sms', 'phone', 'post') then 'unknown_channel'
            when consent_status is null or consent_status not in ('granted', 'withdrawn')
                then 'unknown_consent_status'
            when copy_number > 1 then 'duplicate_row'
        end as rejection_reason
    from typed

)

select * from final
-- customers with an erasure request leave the warehouse here (docs/audiences.md)
where {{ not_erased('customer_id', ref('base_privacy__rights_requests')) }}
