{#- The before/after table as marketers read it: one row per campaign and segment at
    launch (value tier or named segment; 'All' for the whole campaign), in percent and
    points: the mean RFM score, conversion before and after for the treated customers and
    for the control group, the uplift (difference-in-differences) with its 95% interval, and
    a verdict. From campaign_results, whose rows it takes where the segment or the tier is
    'All'. -#}

with

results as (

    select * from {{ ref('campaign_results') }}
    where segment = 'All' or value_tier = 'All'

),

final as (

    select
        -- ids
        campaign_id,

        -- strings
        campaign_name,
        case when segment = 'All' then 'value tier' else 'segment' end as breakdown,
        case when segment = 'All' then value_tier else segment end as segment,
        case
            when is_too_small_to_conclude then 'too small to conclude'
            when uplift_lower_95 > 0 then 'worked'
            when uplift_upper_95 < 0 then 'did harm'
            else 'no measurable effect'
        end as verdict,

        -- numerics
        treated_customers,
        control_customers,
        mean_rfm_score,
        {{ rounded_decimal('100 * treated_conversion_before', 1) }} as conversion_before_pct,
        {{ rounded_decimal('100 * treated_conversion_after', 1) }} as conversion_after_pct,
        {{ rounded_decimal('100 * control_conversion_before', 1) }} as control_conversion_before_pct,
        {{ rounded_decimal('100 * control_conversion_after', 1) }} as control_conversion_after_pct,
        {{ rounded_decimal('100 * uplift', 1) }} as uplift_points,
        {{ rounded_decimal('100 * uplift_lower_95', 1) }} as uplift_lower_95_points,
        {{ rounded_decimal('100 * uplift_upper_95', 1) }} as uplift_upper_95_points,
        incremental_orders,
        incremental_revenue

    from results

)

select * from final
