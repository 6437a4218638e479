{{ config(alias='segment_summary') }}
{#- segment_summary for BI: a segment of fewer than min_cell_size customers keeps its row,
    with is_suppressed and null counts, shares, revenue and averages. -#}

with

segment_summary as (

    select * from {{ ref('segment_summary') }}

),

final as (

    select
        -- ids
        segment_map,
        segment,

        -- strings
        segment_description,
        recommended_action,
        campaign_use,

        -- numerics
        segment_value_rank,
        {{ unless_small_cell('customers', 'customers') }} as customers,
        {{ unless_small_cell('share_of_customers', 'customers') }} as share_of_customers,
        {{ unless_small_cell('revenue', 'customers') }} as revenue,
        {{ unless_small_cell('share_of_revenue', 'customers') }} as share_of_revenue,
        {{ unless_small_cell('avg_r_score', 'customers') }} as avg_r_score,
        {{ unless_small_cell('avg_f_score', 'customers') }} as avg_f_score,
        {{ unless_small_cell('avg_m_score', 'customers') }} as avg_m_score,
        {{ unless_small_cell('avg_rfm_score', 'customers') }} as avg_rfm_score,

        -- booleans
        {{ is_small_cell('customers') }} as is_suppressed,

        -- dates
        as_of_date

    from segment_summary

)

select * from final
