{{ config(materialized='table') }}
{#- Every raw e-mail or content interaction of a lead, typed, with the reason it is unfit
    (or null). Without the file this is empty. -#}
{%- set raw = source('marketing', 'lead_interactions') -%}
{%- set path = raw_input_path('lead_interactions') -%}
{%- set input = raw_input_contract('lead_interactions') -%}
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
        nullif(trim({{ contract_column(input, columns, 'lead_id') }}), '') as lead_id,

        -- strings
        lower(nullif(trim({{ contract_column(input, columns, 'interaction_type') }}), '')) as interaction_type,

        -- timestamps
        {{ contract_column(input, columns, 'occurred_at') }} as occurred_at,

        copy_number

    from numbered

),

final as (

    select
        *,
        case
            when lead_id is null then 'missing_lead_id'
            when not {{ contract_rule(input, 'scientific_notation_id') }} then 'scientific_notation_id'
            when occurred_at is null then 'invalid_occurred_at'
            when not {{ contract_rule(input, 'placeholder_date') }} then 'placeholder_date'
            {% if load_date -%}
                when cast(occurred_at as date) > cast('{{ load_date }}' as date) then 'date_in_future'
            {% endif -%}
            when interaction_type is null or interaction_type not in (
                    'email_open', 'email_click', 'whitepaper_download', 'webinar', 'event', 'social'
                ) then 'unknown_interaction_type'
            when copy_number > 1 then 'duplicate_row'
        end as rejection_reason
    from typed

)

select * from final
