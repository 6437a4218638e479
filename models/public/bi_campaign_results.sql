{{ config(alias='campaign_results') }}
{#- campaign_results for BI: a cell whose treated or control group has fewer than
    min_cell_size customers keeps its row, with is_suppressed and null counts and measures
    (a small control group would show what its few customers bought). -#}
{%- set cell = 'least(treated_customers, control_customers)' -%}

with

campaign_results as (

    select * from {{ ref('campaign_results') }}

),

final as (

    select
        campaign_id,
        campaign_name,
        segment,
        value_tier,
        {{ unless_small_cell('treated_customers', cell) }} as treated_customers,
        {{ unless_small_cell('control_customers', cell) }} as control_customers,
        {{ unless_small_cell('mean_rfm_score', cell) }} as mean_rfm_score,
        {{ unless_small_cell('treated_conversion_before', cell) }} as treated_conversion_before,
        {{ unless_small_cell('treated_conversion_after', cell) }} as treated_conversion_after,
        {{ unless_small_cell('control_conversion_before', cell) }} as control_conversion_before,
        {{ unless_small_cell('control_conversion_after', cell) }} as control_conversion_after,
        {{ unless_small_cell('uplift', cell) }} as uplift,
        {{ unless_small_cell('uplift_standard_error', cell) }} as uplift_standard_error,
        {{ unless_small_cell('uplift_lower_95', cell) }} as uplift_lower_95,
        {{ unless_small_cell('uplift_upper_95', cell) }} as uplift_upper_95,
        {{ unless_small_cell('counterfactual_conversion_after', cell) }} as counterfactual_conversion_after,
        {{ unless_small_cell('relative_uplift', cell) }} as relative_uplift,
        {{ unless_small_cell('relative_uplift_lower_95', cell) }} as relative_uplift_lower_95,
        {{ unless_small_cell('relative_uplift_upper_95', cell) }} as relative_uplift_upper_95,
        {{ unless_small_cell('incremental_conversions', cell) }} as incremental_conversions,
        {{ unless_small_cell('incremental_orders', cell) }} as incremental_orders,
        {{ unless_small_cell('incremental_revenue', cell) }} as incremental_revenue,
        is_too_small_to_conclude,
        is_significant,
        is_post_period_complete,
        start_date,
        pre_period_start_date,
        post_period_end_date,
        as_of_date,
        {{ is_small_cell(cell) }} as is_suppressed
    from campaign_results

)

select * from final
