{{ config(materialized='table') }}
{#- Every raw conversion (a lead that became a customer), typed, with the reason it is
    unfit (or null). Without the file this is empty: the lead back-test has no outcome. -#}
{%- set raw = source('marketing', 'lead_conversions') -%}
{%- set path = raw_input_path('lead_conversions') -%}
{%- set input = raw_input_contract('lead_conversions') -%}
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
        nullif(trim({{ contract_column(input, columns, 'lead_id') }}), '') as lead_id,
        nullif(trim({{ contract_column(input, columns, 'customer_id') }}), '') as customer_id,

        -- timestamps
        {{ contract_column(input, columns, 'converted_at') }} as converted_at

    from numbered

),

flagged as (

    select
        *,
        row_number() over (partition by lead_id order by source_row_number) as copy_number
    from typed

),

final as (

    select
        *,
        case
            when lead_id is null then 'missing_lead_id'
            when customer_id is null then 'missing_customer_id'
            when not {{ contract_rule(input, 'scientific_notation_id') }} then 'scientific_notation_id'
            when converted_at is null then 'invalid_converted_at'
            when not {{ contract_rule(input, 'placeholder_date') }} then 'placeholder_date'
            {% if load_date -%}
                when cast(converted_at as date) > cast('{{ load_date }}' as date) then 'date_in_future'
            {% endif -%}
            when copy_number > 1 then 'duplicate_lead_id'
        end as rejection_reason
    from flagged

)

select * from final
