{{ config(alias='rfm_quintile_boundaries') }}
{#- rfm_quintile_boundaries for BI: a cell of fewer than min_cell_size customers keeps its row, with
    is_suppressed and null counts and measures. -#}

with

rfm_quintile_boundaries as (

    select * from {{ ref('rfm_quintile_boundaries') }}

),

final as (

    select
        measure,
        score,
        direction,
        {{ unless_small_cell('customers', 'customers') }} as customers,
        {{ unless_small_cell('share_of_customers', 'customers') }} as share_of_customers,
        {{ unless_small_cell('min_value', 'customers') }} as min_value,
        {{ unless_small_cell('max_value', 'customers') }} as max_value,
        as_of_date,
        {{ is_small_cell('customers') }} as is_suppressed
    from rfm_quintile_boundaries

)

select * from final
