{{ config(alias='segment_profiles') }}
{#- segment_profiles for BI: a cell of fewer than min_cell_size customers keeps its row, with
    is_suppressed and null counts and measures. -#}

with

segment_profiles as (

    select * from {{ ref('segment_profiles') }}

),

final as (

    select
        segment,
        profile_attribute,
        attribute_value,
        {{ unless_small_cell('customers', 'customers') }} as customers,
        {{ unless_small_cell('share_of_segment', 'customers') }} as share_of_segment,
        {{ unless_small_cell('net_revenue', 'customers') }} as net_revenue,
        {{ unless_small_cell('avg_rfm_score', 'customers') }} as avg_rfm_score,
        {{ unless_small_cell('avg_engagement_score', 'customers') }} as avg_engagement_score,
        {{ unless_small_cell('avg_purchase_probability', 'customers') }} as avg_purchase_probability,
        {{ unless_small_cell('avg_satisfaction_score', 'customers') }} as avg_satisfaction_score,
        as_of_date,
        {{ is_small_cell('customers') }} as is_suppressed
    from segment_profiles

)

select * from final
