{{ config(materialized='table') }}
{#- Every raw preference-centre row, typed, with the reason it is unfit (or null). A
    customer's topic listed twice is kept once. Without the file this is empty. -#}
{%- set raw = source('crm', 'customer_interests') -%}
{%- set path = raw_input_path('customer_interests') -%}
{%- set input = raw_input_contract('customer_interests') -%}
{%- set columns = relation_columns(raw_input(raw)) if path else {} -%}

with

numbered as (

    {{ raw_source_rows(raw) }}

),

typed as (

    select
        -- ids
        source_row_number,
        nullif(trim({{ contract_column(input, columns, 'customer_id') }}), '') as customer_id,

        -- strings
        lower(nullif(trim({{ contract_column(input, columns, 'interest') }}), '')) as interest,

        -- timestamps
        {{ contract_column(input, columns, 'updated_at') }} as updated_at

    from numbered

),

flagged as (

    select
        *,
        row_number() over (
            partition by customer_id, interest order by updated_at desc, source_row_number asc
        ) as copy_number
    from typed

),

final as (

    select
        *,
        case
            when customer_id is null then 'missing_customer_id'
            when interest is null then 'missing_interest'
            when not {{ contract_rule(input, 'scientific_notation_id') }} then 'scientific_notation_id'
            when copy_number > 1 then 'duplicate_interest'
        end as rejection_reason
    from flagged

)

select * from final
-- customers with an erasure request leave the warehouse here (docs/audiences.md)
where {{ not_erased('customer_id', ref('base_privacy__rights_requests')) }}
