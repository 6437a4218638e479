{{ config(materialized='table') }}
{#- Every raw insolvency proceeding, typed, with the reason it is unfit (or null). -#}
{%- set raw = source('legal', 'legal_events') -%}
{%- set path = raw_input_path('legal_events') -%}
{%- set input = 'The legal events file ' ~ path -%}
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
        nullif(trim({{ input_column(columns, 'customer_id', dbt.type_string(), true, input) }}), '') as customer_id,

        -- strings
        lower(nullif(trim({{ input_column(columns, 'event_type', dbt.type_string(), true, input) }}), '')) as event_type,

        -- dates
        {{ input_column(columns, 'event_date', 'date', true, input) }} as event_date,

        copy_number

    from numbered

),

final as (

    select
        *,
        case
            when customer_id is null then 'missing_customer_id'
            when event_date is null then 'invalid_event_date'
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
