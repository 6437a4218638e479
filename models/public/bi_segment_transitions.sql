{{ config(alias='segment_transitions') }}
{#- segment_transitions for BI: a cell of fewer than min_cell_size customers keeps its row, with
    is_suppressed and null counts and measures. -#}

with

segment_transitions as (

    select * from {{ ref('segment_transitions') }}

),

final as (

    select
        from_segment,
        to_segment,
        {{ unless_small_cell('customers', 'customers') }} as customers,
        {{ unless_small_cell('revenue_from', 'customers') }} as revenue_from,
        {{ unless_small_cell('revenue_to', 'customers') }} as revenue_to,
        is_move,
        from_date,
        to_date,
        {{ is_small_cell('customers') }} as is_suppressed
    from segment_transitions

)

select * from final
