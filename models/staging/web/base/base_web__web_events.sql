{{ config(materialized='table') }}
{#- Every raw web event, typed, with the reason it is unfit for scoring (or null).
    Without a web events file (bring-your-own mode) this is empty. -#}
{%- set raw = source('web', 'web_events') -%}
{%- set path = raw_input_path('web_events') -%}
{%- set input = raw_input_contract('web_events') -%}
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
        nullif(trim({{ contract_column(input, columns, 'session_id') }}), '') as session_id,
        nullif(trim({{ contract_column(input, columns, 'customer_id') }}), '') as customer_id,
        nullif(trim({{ contract_column(input, columns, 'product_id') }}), '') as product_id,
        nullif(trim({{ contract_column(input, columns, 'visitor_id') }}), '') as visitor_id,

        -- strings
        coalesce(
            lower(nullif(trim({{ contract_column(input, columns, 'event_type') }}), '')),
            'page_view'
        ) as event_type,
        lower(nullif(trim({{ contract_column(input, columns, 'page_type') }}), '')) as page_type,

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
            when session_id is null then 'missing_session_id'
            when not {{ contract_rule(input, 'scientific_notation_id') }} then 'scientific_notation_id'
            when event_at is null then 'invalid_event_at'
            when not {{ contract_rule(input, 'placeholder_date') }} then 'placeholder_date'
            {% if load_date -%}
                when cast(event_at as date) > cast('{{ load_date }}' as date) then 'date_in_future'
            {% endif -%}
            when event_type not in ('page_view', 'add_to_cart') then 'unknown_event_type'
            when copy_number > 1 then 'duplicate_row'
        end as rejection_reason
    from typed

)

select * from final
-- customers with an erasure request leave the warehouse here (docs/audiences.md)
where {{ not_erased('customer_id', ref('base_privacy__rights_requests')) }}
