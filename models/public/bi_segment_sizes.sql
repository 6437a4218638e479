{{ config(alias='segment_sizes') }}
{#- segment_sizes for BI: a cell of fewer than min_cell_size customers keeps its row, with
    is_suppressed and null counts and measures. -#}

with

segment_sizes as (

    select * from {{ ref('segment_sizes') }}

),

final as (

    select
        segment,
        {{ unless_small_cell('customers', 'customers') }} as customers,
        {{ unless_small_cell('share_of_customers', 'customers') }} as share_of_customers,
        {{ unless_small_cell('revenue', 'customers') }} as revenue,
        as_of_date,
        {{ is_small_cell('customers') }} as is_suppressed
    from segment_sizes

)

select * from final
