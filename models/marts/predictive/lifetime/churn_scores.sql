{{ config(enabled=lifetime_models_enabled()) }}
{#- Churn per customer and score date: the probability that the customer is lost within
    the next btyd_holdout_days, with the method that gave it.
    - subscription_life_table, for customers with an active subscription: from the
      cancellation history of all subscriptions of the same plan as of the date. The
      hazard h of the billing period the subscription is in (cancellations in that
      period / subscriptions that finished it, cancelled or renewed; the plan's pooled
      rate when nobody has reached that period yet), over the n billing periods the
      horizon spans: 1 - (1 - h)^n, n = horizon days / the plan's mean period length.
    - bg_nbd_no_purchase or pareto_nbd_no_purchase, for other buyers: P(no qualifying
      purchase in the next btyd_holdout_days | history) under the purchase model btyd_fits
      chose by back-test (btyd_model and p_no_purchase_holdout of customer_lifetime_value).
      BG/NBD: 1 - P(alive) + P(alive) ((alpha + T) / (alpha + T + t))^(r + x); Pareto/NBD
      adds the chance of dying in the horizon before buying (derivations:
      customer_scoring/btyd.py, probability_no_purchase and
      pareto_nbd_probability_no_purchase). Not 1 - P(alive): BG/NBD's P(alive) is 1 for a
      buyer without a repeat purchase, which gave every one-time buyer a churn of 0; this
      one rises with the time since their purchase.
    - unavailable: no subscription and no prediction (never bought, or no purchase model fit).
    churn_risk_band: low, medium or high at var churn_risk_bands. -#}
{%- set horizon = positive_whole_var('btyd_holdout_days', 90) -%}
{%- set bands = var('churn_risk_bands', {'medium': 0.3, 'high': 0.6}) -%}
{%- if bands is not mapping or bands.get('medium') is not number or bands.get('high') is not number
    or not (0 < bands.medium < bands.high <= 1) -%}
    {{ exceptions.raise_compiler_error(
        "churn_risk_bands must be {medium: m, high: h} with 0 < m < h <= 1; got '" ~ bands ~ "'.") }}
{%- endif -%}

with

dates as (

    select
        'scoring' as date_role,
        {{ as_of_date() }} as reference_date
    union all
    select
        'calibration' as date_role,
        cast({{ dbt.dateadd('day', -1 * horizon, as_of_date()) }} as date) as reference_date

),

subscriptions as (

    -- each subscription as known on each date
    select
        dates.date_role,
        dates.reference_date,
        events.subscription_id,
        min(events.customer_id) as customer_id,
        min(events.plan) as plan,
        min(case when events.event_type = 'start' then events.event_date end) as start_date,
        max(events.event_date) as last_event_date,
        sum(case when events.event_type = 'renewal' then 1 else 0 end) as renewals,
        max(case when events.event_type = 'cancellation' then 1 else 0 end) as is_cancelled
    from {{ ref('stg_billing__subscription_events') }} as events
    inner join dates
        on events.event_date <= dates.reference_date
    group by dates.date_role, dates.reference_date, events.subscription_id

),

by_renewals as (

    select
        date_role,
        plan,
        renewals,
        sum(is_cancelled) as cancelled,
        count(*) as subscriptions
    from subscriptions
    where start_date is not null
    group by date_role, plan, renewals

),

life_table as (

    -- period renewals + 1: cancelled in it, or renewed past it (more renewals)
    select
        date_role,
        plan,
        renewals,
        cancelled,
        coalesce(sum(subscriptions) over (
            partition by date_role, plan order by renewals asc
            rows between 1 following and unbounded following
        ), 0) as renewed_past
    from by_renewals

),

plans as (

    select
        life_table.date_role,
        life_table.plan,
        cast(sum(life_table.cancelled) as {{ dbt.type_float() }})
        / nullif(sum(life_table.cancelled + life_table.renewed_past), 0) as pooled_hazard
    from life_table
    group by life_table.date_role, life_table.plan

),

period_lengths as (

    select
        date_role,
        plan,
        avg(
            cast(
                {{ dbt.datediff('start_date', 'last_event_date', 'day') }}
                as {{ dbt.type_float() }}
            )
            / renewals
        ) as period_days
    from subscriptions
    where renewals > 0 and is_cancelled = 0 and start_date is not null
    group by date_role, plan

),

active as (

    select
        subscriptions.date_role,
        subscriptions.customer_id,
        subscriptions.plan,
        subscriptions.renewals,
        coalesce(
            cast(life_table.cancelled as {{ dbt.type_float() }})
            / nullif(life_table.cancelled + life_table.renewed_past, 0),
            plans.pooled_hazard
        ) as period_hazard,
        coalesce(life_table.cancelled + life_table.renewed_past, 0) = 0 as is_plan_hazard,
        {{ horizon }} / coalesce(period_lengths.period_days, 30.4375) as horizon_periods
    from subscriptions
    left join life_table
        on
            subscriptions.date_role = life_table.date_role
            and subscriptions.plan = life_table.plan
            and subscriptions.renewals = life_table.renewals
    left join plans
        on
            subscriptions.date_role = plans.date_role
            and subscriptions.plan = plans.plan
    left join period_lengths
        on
            subscriptions.date_role = period_lengths.date_role
            and subscriptions.plan = period_lengths.plan
    where subscriptions.is_cancelled = 0 and subscriptions.start_date is not null

),

subscribers as (

    -- a customer with several active subscriptions churns when all of them end: the
    -- most loyal one counts
    select
        date_role,
        customer_id,
        plan,
        renewals + 1 as billing_period,
        period_hazard,
        is_plan_hazard,
        horizon_periods,
        1 - power(1 - coalesce(period_hazard, 0), horizon_periods) as churn_probability,
        row_number() over (
            partition by date_role, customer_id
            order by 1 - power(1 - coalesce(period_hazard, 0), horizon_periods) asc, plan asc, renewals desc
        ) as loyalty_rank
    from active

),

population as (

    select
        dates.date_role,
        dates.reference_date,
        customers.customer_id
    from {{ ref('dim_customers') }} as customers
    -- a customer without any date (customer_id only, no purchase): as of the as-of date
    -- only, as in int_score_customers
    inner join dates
        on
            customers.customer_since_date <= dates.reference_date
            or (customers.customer_since_date is null and dates.date_role = 'scoring')
    -- customers who objected to profiling are not scored (GDPR art. 21)
    where customers.customer_id not in ({{ profiling_objector_ids(ref('int_customer_rights')) }})

),

buyers as (

    select * from {{ ref('customer_lifetime_value') }}

),

scored as (

    select
        population.date_role,
        population.reference_date,
        population.customer_id,
        case
            when subscribers.customer_id is not null then 'subscription_life_table'
            when buyers.p_no_purchase_holdout is not null
                then {{ dbt.concat(["buyers.btyd_model", "'_no_purchase'"]) }}
            else 'unavailable'
        end as churn_method,
        coalesce(subscribers.churn_probability, buyers.p_no_purchase_holdout) as churn_probability,
        subscribers.plan,
        subscribers.billing_period,
        subscribers.period_hazard,
        subscribers.is_plan_hazard,
        subscribers.horizon_periods,
        buyers.prediction_status,
        case buyers.btyd_model when 'pareto_nbd' then 'Pareto/NBD' else 'BG/NBD' end as btyd_model_label,
        buyers.p_alive,
        buyers.p_no_purchase_holdout,
        buyers.time_unit,
        buyers.btyd_frequency,
        buyers.btyd_t - buyers.btyd_recency as btyd_time_since_last
    from population
    left join subscribers
        on
            population.date_role = subscribers.date_role
            and population.customer_id = subscribers.customer_id
            and subscribers.loyalty_rank = 1
    left join buyers
        on
            population.date_role = buyers.date_role
            and population.customer_id = buyers.customer_id

),

explained as (

    select
        *,
        {#- why, in words: the life-table cell, or the purchase history P(alive) reads -#}
        case
            when churn_method = 'subscription_life_table' and is_plan_hazard then {{ dbt.concat([
                "'plan '", "plan", "', billing period '", "cast(billing_period as " ~ dbt.type_string() ~ ")",
                "': nobody has reached it yet, so the plan rate: '", rounded_text('100 * period_hazard', 1),
                "'% of subscriptions cancel per period; '", rounded_text('horizon_periods', 1), "' periods ahead'",
            ]) }}
            when churn_method = 'subscription_life_table' then {{ dbt.concat([
                "'plan '", "plan", "', billing period '", "cast(billing_period as " ~ dbt.type_string() ~ ")",
                "': '", rounded_text('100 * period_hazard', 1), "'% of subscriptions cancel in it; '",
                rounded_text('horizon_periods', 1), "' periods ahead'",
            ]) }}
            when churn_method = 'bg_nbd_no_purchase' and btyd_frequency = 0 then {{ dbt.concat([
                "btyd_model_label", "': no purchase in " ~ horizon ~ " days: one purchase, '",
                rounded_text('btyd_time_since_last', 1), "' '", "time_unit", "'s ago'",
            ]) }}
            when churn_method = 'pareto_nbd_no_purchase' and btyd_frequency = 0 then {{ dbt.concat([
                "btyd_model_label", "': no purchase in " ~ horizon ~ " days: P(alive) '", rounded_text('p_alive', 2),
                "', one purchase, '", rounded_text('btyd_time_since_last', 1), "' '", "time_unit", "'s ago'",
            ]) }}
            when churn_method in ('bg_nbd_no_purchase', 'pareto_nbd_no_purchase') then {{ dbt.concat([
                "btyd_model_label", "': no purchase in " ~ horizon ~ " days: P(alive) '", rounded_text('p_alive', 2),
                "', '", "cast(btyd_frequency as " ~ dbt.type_string() ~ ")", "' repeat purchases, the last '",
                rounded_text('btyd_time_since_last', 1), "' '", "time_unit", "'s ago'",
            ]) }}
            when prediction_status is not null
                then {{ dbt.concat(["'no purchase prediction: '", "prediction_status"]) }}
            else 'no subscription and no purchase yet'
        end as churn_reason
    from scored

)

select
    -- ids
    customer_id,

    -- strings
    date_role,
    churn_method,
    case
        when churn_probability is null then null
        when churn_probability >= {{ bands.high }} then 'high'
        when churn_probability >= {{ bands.medium }} then 'medium'
        else 'low'
    end as churn_risk_band,
    churn_reason,
    plan,

    -- numerics
    -- through 6 decimals (those customer_lifetime_value publishes; the life table's
    -- unrounded churn is rounded there too, which moves only values within 5e-7 of a
    -- half): a double cast straight to 4 decimals rounds a published 0.604250 down on
    -- DuckDB (by its binary value) and up on Spark (by its shortest decimal form); from a
    -- decimal, both round half up
    cast(cast(churn_probability as decimal(12, 6)) as decimal(6, 4)) as churn_probability,
    billing_period,
    cast(period_hazard as decimal(6, 4)) as period_hazard,
    cast(horizon_periods as decimal(9, 2)) as horizon_periods,
    cast(p_alive as decimal(9, 6)) as p_alive,
    btyd_frequency,
    cast(btyd_time_since_last as decimal(9, 2)) as btyd_time_since_last,

    -- dates
    reference_date

from explained
