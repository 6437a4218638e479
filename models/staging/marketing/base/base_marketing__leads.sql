{{ config(materialized='table') }}
{#- Every raw lead, typed, with the reason it is unfit (or null). Without a leads file
    this is empty and no lead is scored. -#}
{%- set raw = source('marketing', 'leads') -%}
{%- set path = raw_input_path('leads') -%}
{%- set input = raw_input_contract('leads') -%}
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

        -- strings
        lower(nullif(trim({{ contract_column(input, columns, 'lead_source') }}), '')) as lead_source,
        upper(nullif(trim({{ contract_column(input, columns, 'lead_type') }}), '')) as lead_type,
        lower(nullif(trim({{ contract_column(input, columns, 'company_sector') }}), '')) as company_sector,
        nullif(trim({{ contract_column(input, columns, 'company_size') }}), '') as company_size,
        upper(nullif(trim({{ contract_column(input, columns, 'country') }}), '')) as country,
        nullif(trim({{ contract_column(input, columns, 'region') }}), '') as region,
        lower(nullif(trim({{ contract_column(input, columns, 'job_role') }}), '')) as job_role,
        lower(nullif(trim({{ contract_column(input, columns, 'seniority') }}), '')) as seniority,

        -- numerics
        {{ contract_column(input, columns, 'company_headcount') }} as company_headcount,

        -- booleans
        coalesce({{ contract_column(input, columns, 'marketing_consent') }}, false) as has_marketing_consent,

        -- timestamps
        {{ contract_column(input, columns, 'created_at') }} as created_at

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
            when not {{ contract_rule(input, 'scientific_notation_id') }} then 'scientific_notation_id'
            when created_at is null then 'invalid_created_at'
            when not {{ contract_rule(input, 'placeholder_date') }} then 'placeholder_date'
            {% if load_date -%}
                when cast(created_at as date) > cast('{{ load_date }}' as date) then 'date_in_future'
            {% endif -%}
            when copy_number > 1 then 'duplicate_lead_id'
        end as rejection_reason
    from flagged

)

select * from final
