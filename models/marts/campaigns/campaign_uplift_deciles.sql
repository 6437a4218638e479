{#- Did targeting by the score beat random selection? One row per campaign and decile of
    the RFM score at launch among the campaign's assigned customers (10 = highest score;
    tie_safe_ntile, so equal scores share a decile and a decile can be empty; customers
    without an order before the start rank lowest), treated and control alike.
    Per decile: the difference-in-differences of conversion (as campaign_results). Down
    the deciles from the top: the cumulative uplift of targeting every customer down to
    this decile, its incremental conversions (cumulative uplift x customers down to here,
    the Qini curve) and what random selection of as many customers would give (the whole
    campaign's uplift x the same customers, the diagonal). qini_coefficient, the same on
    every row of a campaign: the mean over the deciles of (curve - diagonal) / customers
    of the campaign; above 0, ranking by the score put the responsive customers first
    (Radcliffe, Using control groups to target on predicted lift, 2007). -#}
{%- set float = dbt.type_float() -%}

with

customers as (

    select * from {{ ref('campaign_customers') }}

),

ranked as (

    select
        *,
        {{ tie_safe_ntile('coalesce(rfm_score, -1)', 10, partition_by='campaign_id') }} as score_decile
    from customers

),

deciles as (

    select
        campaign_id,
        score_decile,
        count(*) as customers,
        sum(case when is_control then 0 else 1 end) as treated_customers,
        sum(case when is_control then 1 else 0 end) as control_customers,
        min(rfm_score) as min_rfm_score,
        max(rfm_score) as max_rfm_score,
        sum(case when is_control then 0 else converted_after - converted_before end) as treated_change_sum,
        sum(case when is_control then converted_after - converted_before else 0 end) as control_change_sum
    from ranked
    group by campaign_id, score_decile

),

cumulative as (

    select
        *,
        sum(customers) over (partition by campaign_id order by score_decile desc) as customers_down_to_here,
        sum(treated_customers) over (partition by campaign_id order by score_decile desc) as treated_down_to_here,
        sum(control_customers) over (partition by campaign_id order by score_decile desc) as control_down_to_here,
        sum(treated_change_sum) over (partition by campaign_id order by score_decile desc)
            as treated_change_down_to_here,
        sum(control_change_sum) over (partition by campaign_id order by score_decile desc)
            as control_change_down_to_here,
        sum(customers) over (partition by campaign_id) as campaign_customer_count,
        sum(treated_customers) over (partition by campaign_id) as campaign_treated,
        sum(control_customers) over (partition by campaign_id) as campaign_control,
        sum(treated_change_sum) over (partition by campaign_id) as campaign_treated_change,
        sum(control_change_sum) over (partition by campaign_id) as campaign_control_change
    from deciles

),

uplifts as (

    select
        *,
        cast(treated_change_sum as {{ float }}) / nullif(treated_customers, 0)
        - cast(control_change_sum as {{ float }}) / nullif(control_customers, 0) as decile_uplift,
        cast(treated_change_down_to_here as {{ float }}) / nullif(treated_down_to_here, 0)
        - cast(control_change_down_to_here as {{ float }}) / nullif(control_down_to_here, 0) as cumulative_uplift,
        cast(campaign_treated_change as {{ float }}) / nullif(campaign_treated, 0)
        - cast(campaign_control_change as {{ float }}) / nullif(campaign_control, 0) as campaign_uplift
    from cumulative

),

curves as (

    select
        *,
        cumulative_uplift * customers_down_to_here as incremental_conversions,
        campaign_uplift * customers_down_to_here as random_incremental_conversions
    from uplifts

),

final as (

    select
        -- ids
        campaign_id,

        -- numerics
        score_decile,
        cast(customers as integer) as customers,
        cast(treated_customers as integer) as treated_customers,
        cast(control_customers as integer) as control_customers,
        min_rfm_score,
        max_rfm_score,
        {{ rounded_decimal('decile_uplift') }} as decile_uplift,
        {{ rounded_decimal('cast(customers_down_to_here as ' ~ float ~ ') / campaign_customer_count') }}
            as share_targeted,
        {{ rounded_decimal('cumulative_uplift') }} as cumulative_uplift,
        {{ rounded_decimal('incremental_conversions', 2) }} as incremental_conversions,
        {{ rounded_decimal('random_incremental_conversions', 2) }} as random_incremental_conversions,
        {{ rounded_decimal(
            'avg(incremental_conversions - random_incremental_conversions) over (partition by campaign_id)'
            ~ ' / campaign_customer_count') }} as qini_coefficient

    from curves

)

select * from final
