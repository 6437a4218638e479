{{ config(materialized='table') }}
{#- Every raw catalogue row, typed, with the reason it is unfit (or null). Without a
    catalogue (bring-your-own mode) this is empty and products have no category. -#}
{%- set raw = source('shop', 'products') -%}
{%- set path = raw_input_path('products') -%}
{%- set input = raw_input_contract('products') -%}
{%- set columns = relation_columns(raw_input(raw)) if path else {} -%}

with

numbered as (

    {{ raw_source_rows(raw) }}

),

typed as (

    select
        -- ids
        source_row_number,
        nullif(trim({{ contract_column(input, columns, 'product_id') }}), '') as product_id,

        -- strings
        nullif(trim({{ contract_column(input, columns, 'product_name') }}), '') as product_name,
        nullif(trim({{ contract_column(input, columns, 'category') }}), '') as category,

        -- numerics
        {{ contract_column(input, columns, 'list_price') }} as list_price

    from numbered

),

flagged as (

    select
        *,
        row_number() over (partition by product_id order by source_row_number) as copy_number
    from typed

),

final as (

    select
        *,
        case
            when product_id is null then 'missing_product_id'
            when not {{ contract_rule(input, 'scientific_notation_id') }} then 'scientific_notation_id'
            when copy_number > 1 then 'duplicate_product_id'
        end as rejection_reason
    from flagged

)

select * from final
