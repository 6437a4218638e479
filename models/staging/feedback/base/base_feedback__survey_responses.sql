{{ config(materialized='table') }}
{#- Every raw survey answer, typed, with the reason it is unfit for scoring (or null):
    NPS answers must be 0-10 and CSAT answers 1-5, whole numbers.
    Without a survey file (bring-your-own mode) this is empty. -#}
{%- set raw = source('feedback', 'survey_responses') -%}
{%- set path = raw_input_path('survey_responses') -%}
{%- set input = raw_input_contract('survey_responses') -%}
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
        nullif(trim({{ contract_column(input, columns, 'response_id') }}), '') as response_id,
        nullif(trim({{ contract_column(input, columns, 'customer_id') }}), '') as customer_id,

        -- strings
        lower(nullif(trim({{ contract_column(input, columns, 'survey_type') }}), '')) as survey_type,

        -- numerics
        {{ contract_column(input, columns, 'score') }} as score,

        -- timestamps
        {{ contract_column(input, columns, 'answered_at') }} as answered_at,

        copy_number

    from numbered

),

final as (

    select
        *,
        case
            when customer_id is null then 'missing_customer_id'
            when not {{ contract_rule(input, 'scientific_notation_id') }} then 'scientific_notation_id'
            when answered_at is null then 'invalid_answered_at'
            when not {{ contract_rule(input, 'placeholder_date') }} then 'placeholder_date'
            {% if load_date -%}
                when cast(answered_at as date) > cast('{{ load_date }}' as date) then 'date_in_future'
            {% endif -%}
            when survey_type is null or survey_type not in ('nps', 'csat') then 'unknown_survey_type'
            when
                score is null
                or score != floor(score)
                or (survey_type = 'nps' and (score < 0 or score > 10))
                or (survey_type = 'csat' and (score < 1 or score > 5))
                then 'invalid_score'
            when copy_number > 1 then 'duplicate_row'
        end as rejection_reason
    from typed

)

select * from final
-- customers with an erasure request leave the warehouse here (docs/audiences.md)
where {{ not_erased('customer_id', ref('base_privacy__rights_requests')) }}
