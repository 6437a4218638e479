{#- Did it work? One row per campaign, segment and value tier at launch (and 'All' rows:
    per tier over segments, per segment over tiers, and the whole campaign): treated and
    control customers, their conversion rates (share with a qualifying order) before and
    after the start date, the difference-in-differences and its 95% interval, relative
    uplift, incremental conversions, orders and revenue.

    Difference-in-differences (DiD): uplift = (treated after - treated before) - (control
    after - control before). Each customer's change d = converted_after - converted_before
    (-1, 0 or 1) is paired with their own before; the standard error of the DiD is
    sqrt(var_t(d) / n_t + var_c(d) / n_c) with var the sample variance of d in each group
    (two independent groups, paired measurements within each: the two-sample z-test of a
    mean difference, e.g. Wooldridge, Introductory Econometrics, ch. 13, on first
    differences), and the interval is the DiD +- 1.96 standard errors (normal
    approximation, fair from about 30 customers per group with a few conversions:
    campaign_min_group_customers). Relative uplift divides by the counterfactual rate
    (treated before + control change), taken as known. Incremental orders and revenue are
    the DiD of orders (revenue) per customer times the treated customers. -#}
{%- set min_group = campaign_setting('campaign_min_group_customers') -%}
{%- set float = dbt.type_float() -%}
{%- set z = normal_quantile_975() -%}

with

customers as (

    select * from {{ ref('campaign_customers') }}

),

cells as (

    {%- for segment, tier in [('segment', 'value_tier'), ("'All'", 'value_tier'), ('segment', "'All'"),
        ("'All'", "'All'")] %}
        select
            campaign_id,
            campaign_name,
            {{ segment }} as segment,
            {{ tier }} as value_tier,
            rfm_score,
            converted_before,
            converted_after,
            orders_before,
            orders_after,
            revenue_before,
            revenue_after,
            is_control,
            is_post_period_complete,
            start_date,
            pre_period_start_date,
            post_period_end_date
        from customers
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

),

grouped as (

    select
        campaign_id,
        campaign_name,
        segment,
        value_tier,
        min(start_date) as start_date,
        min(pre_period_start_date) as pre_period_start_date,
        max(post_period_end_date) as post_period_end_date,
        min(case when is_post_period_complete then 1 else 0 end) = 1 as is_post_period_complete,
        sum(case when is_control then 0 else 1 end) as treated_customers,
        sum(case when is_control then 1 else 0 end) as control_customers,
        avg(cast(rfm_score as {{ float }})) as mean_rfm_score,
        avg(case when not is_control then cast(converted_before as {{ float }}) end) as treated_rate_before,
        avg(case when not is_control then cast(converted_after as {{ float }}) end) as treated_rate_after,
        avg(case when is_control then cast(converted_before as {{ float }}) end) as control_rate_before,
        avg(case when is_control then cast(converted_after as {{ float }}) end) as control_rate_after,
        var_samp(case when not is_control then cast(converted_after - converted_before as {{ float }}) end)
            as treated_change_variance,
        var_samp(case when is_control then cast(converted_after - converted_before as {{ float }}) end)
            as control_change_variance,
        avg(case when not is_control then cast(orders_after - orders_before as {{ float }}) end)
            as treated_orders_change,
        avg(case when is_control then cast(orders_after - orders_before as {{ float }}) end)
            as control_orders_change,
        avg(case when not is_control then cast(revenue_after - revenue_before as {{ float }}) end)
            as treated_revenue_change,
        avg(case when is_control then cast(revenue_after - revenue_before as {{ float }}) end)
            as control_revenue_change
    from cells
    group by campaign_id, campaign_name, segment, value_tier

),

estimated as (

    select
        *,
        (treated_rate_after - treated_rate_before) - (control_rate_after - control_rate_before) as uplift,
        sqrt(treated_change_variance / treated_customers + control_change_variance / control_customers)
            as uplift_standard_error,
        -- rates are ratios of counts: where the counterfactual is 0, floating error leaves
        -- about 1e-17, and the relative uplift would be 1e16 (a cast out of range)
        case
            when abs(treated_rate_before + (control_rate_after - control_rate_before)) < 1e-9 then 0
            else treated_rate_before + (control_rate_after - control_rate_before)
        end as counterfactual_rate_after
    from grouped

),

final as (

    select
        -- ids
        campaign_id,

        -- strings
        campaign_name,
        segment,
        value_tier,

        -- numerics
        cast(treated_customers as integer) as treated_customers,
        cast(control_customers as integer) as control_customers,
        {{ rounded_decimal('mean_rfm_score', 2) }} as mean_rfm_score,
        {{ rounded_decimal('treated_rate_before') }} as treated_conversion_before,
        {{ rounded_decimal('treated_rate_after') }} as treated_conversion_after,
        {{ rounded_decimal('control_rate_before') }} as control_conversion_before,
        {{ rounded_decimal('control_rate_after') }} as control_conversion_after,
        {{ rounded_decimal('uplift') }} as uplift,
        {{ rounded_decimal('uplift_standard_error') }} as uplift_standard_error,
        {{ rounded_decimal('uplift - ' ~ z ~ ' * uplift_standard_error') }} as uplift_lower_95,
        {{ rounded_decimal('uplift + ' ~ z ~ ' * uplift_standard_error') }} as uplift_upper_95,
        {{ rounded_decimal('counterfactual_rate_after') }} as counterfactual_conversion_after,
        {{ rounded_decimal('uplift / nullif(counterfactual_rate_after, 0)') }} as relative_uplift,
        {{ rounded_decimal('(uplift - ' ~ z ~ ' * uplift_standard_error) / nullif(counterfactual_rate_after, 0)') }}
            as relative_uplift_lower_95,
        {{ rounded_decimal('(uplift + ' ~ z ~ ' * uplift_standard_error) / nullif(counterfactual_rate_after, 0)') }}
            as relative_uplift_upper_95,
        {{ rounded_decimal('uplift * treated_customers', 2) }} as incremental_conversions,
        {{ rounded_decimal('(treated_orders_change - control_orders_change) * treated_customers', 2) }}
            as incremental_orders,
        {{ rounded_decimal('(treated_revenue_change - control_revenue_change) * treated_customers', 2) }}
            as incremental_revenue,

        -- booleans
        coalesce(treated_customers < {{ min_group }} or control_customers < {{ min_group }}, true)
            as is_too_small_to_conclude,
        coalesce(
            treated_customers >= {{ min_group }} and control_customers >= {{ min_group }}
            and (
                uplift - {{ z }} * uplift_standard_error > 0
                or uplift + {{ z }} * uplift_standard_error < 0
            ),
            false
        ) as is_significant,
        is_post_period_complete,

        -- dates
        start_date,
        pre_period_start_date,
        post_period_end_date,
        {{ as_of_date() }} as as_of_date

    from estimated

)

select * from final
