{{ config(materialized='table') }}
{#- Every raw identification (a form fill naming a web visitor and a lead), typed, with the
    reason it is unfit (or null). Without the file this is empty and no page view is
    stitched to a lead. -#}
{%- set raw = source('marketing', 'lead_identifications') -%}
{%- set path = raw_input_path('lead_identifications') -%}
{%- set input = raw_input_contract('lead_identifications') -%}
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
        nullif(trim({{ contract_column(input, columns, 'visitor_id') }}), '') as visitor_id,
        nullif(trim({{ contract_column(input, columns, 'lead_id') }}), '') as lead_id,

        -- strings
        lower(nullif(trim({{ contract_column(input, columns, 'form_type') }}), '')) as form_type,

        -- timestamps
        {{ contract_column(input, columns, 'identified_at') }} as identified_at,

        copy_number

    from numbered

),

final as (

    select
        *,
        case
            when visitor_id is null then 'missing_visitor_id'
            when lead_id is null then 'missing_lead_id'
            when not {{ contract_rule(input, 'scientific_notation_id') }} then 'scientific_notation_id'
            when identified_at is null then 'invalid_identified_at'
            when not {{ contract_rule(input, 'placeholder_date') }} then 'placeholder_date'
            {% if load_date -%}
                when cast(identified_at as date) > cast('{{ load_date }}' as date) then 'date_in_future'
            {% endif -%}
            when copy_number > 1 then 'duplicate_row'
        end as rejection_reason
    from typed

)

select * from final
