{{ config(materialized='table') }}
{#- Every raw product review, typed, with the reason it is unfit for scoring (or null):
    stars must be a whole number from 1 to 5.
    Without a reviews file (bring-your-own mode) this is empty. -#}
{%- set raw = source('feedback', 'product_reviews') -%}
{%- set path = raw_input_path('product_reviews') -%}
{%- set input = raw_input_contract('product_reviews') -%}
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
        nullif(trim({{ contract_column(input, columns, 'review_id') }}), '') as review_id,
        nullif(trim({{ contract_column(input, columns, 'customer_id') }}), '') as customer_id,
        nullif(trim({{ contract_column(input, columns, 'product_id') }}), '') as product_id,

        -- numerics
        {{ contract_column(input, columns, 'stars') }} as stars,

        -- timestamps
        {{ contract_column(input, columns, 'reviewed_at') }} as reviewed_at,

        copy_number

    from numbered

),

final as (

    select
        *,
        case
            when customer_id is null then 'missing_customer_id'
            when not {{ contract_rule(input, 'scientific_notation_id') }} then 'scientific_notation_id'
            when reviewed_at is null then 'invalid_reviewed_at'
            when not {{ contract_rule(input, 'placeholder_date') }} then 'placeholder_date'
            {% if load_date -%}
                when cast(reviewed_at as date) > cast('{{ load_date }}' as date) then 'date_in_future'
            {% endif -%}
            when stars is null or stars != floor(stars) or stars < 1 or stars > 5 then 'invalid_score'
            when copy_number > 1 then 'duplicate_row'
        end as rejection_reason
    from typed

)

select * from final
-- customers with an erasure request leave the warehouse here (docs/audiences.md)
where {{ not_erased('customer_id', ref('base_privacy__rights_requests')) }}
