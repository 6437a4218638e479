{{ config(materialized='table') }}
{#- Every raw catalogue row, typed, with the reason it is unfit (or null). Without a
    catalogue (bring-your-own mode) this is empty and products have no category. -#}
{%- set raw = source('shop', 'products') -%}
{%- set path = raw_input_path('products') -%}
{%- set input = 'The products file ' ~ path -%}
{%- set columns = relation_columns(raw_input(raw)) if path else {} -%}

with

numbered as (

    {{ raw_source_rows(raw) }}

),

typed as (

    select
        -- ids
        source_row_number,
        nullif(trim({{ input_column(columns, 'product_id', dbt.type_string(), true, input) }}), '') as product_id,

        -- strings
        nullif(trim({{ input_column(columns, 'product_name', dbt.type_string()) }}), '') as product_name,
        nullif(trim({{ input_column(columns, 'category', dbt.type_string(), true, input) }}), '') as category,

        -- numerics
        {{ input_column(columns, 'list_price', 'decimal(18, 2)') }} as list_price

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
            when copy_number > 1 then 'duplicate_product_id'
        end as rejection_reason
    from flagged

)

select * from final
