{#- Purchase probability per customer and score date.
    purchase_score (0-100) weighs recent browsing (sessions, product views, cart adds,
    pricing/contact/demo pages), recent purchases and the customer's purchase rhythm
    (var purchase_criteria). purchase_probability turns the score into the chance of a
    qualifying purchase in the next prediction_horizon_days: the share of customers of
    the same 10-point score band who bought within the horizon after the back-test date,
    smoothed towards the overall rate with the weight of 20 customers, so a thin band
    does not give an extreme rate, and never below the rate of a lower band (each band
    takes the highest rate of the bands up to it; an empty band, that of the bands
    below). -#}
{%- set settings = score_settings('purchase') -%}
{%- set horizon = prediction_horizon_days() -%}
{%- set types = {
    'recent_sessions': ['session'],
    'product_views': ['product_view'],
    'cart_adds': ['cart_add'],
    'high_intent_views': ['pricing_view', 'contact_view', 'demo_view'],
    'recent_purchases': ['purchase'],
} -%}

with

population as (

    {{ customers_on_reference_dates() }}

),

activity as (

    {{ activity_before_reference_dates(score_lookback_days()) }}

),

purchase_history as (

    -- every qualifying purchase before the reference date, however old
    select
        date_role,
        customer_id,
        sum(interaction_count) as orders,
        min(activity_date) as first_purchase_date,
        max(activity_date) as last_purchase_date,
        {{ dbt.datediff('min(activity_date)', 'max(activity_date)', 'day') }} as purchase_span_days
    from ({{ activity_before_reference_dates() }}) as all_activity
    where interaction_type = 'purchase'
    group by date_role, customer_id

),

decayed as (

    select
        date_role,
        customer_id,
        {{ decayed_columns(settings, types) }}
    from activity
    group by date_role, customer_id

),

levels as (

    select
        population.date_role,
        population.reference_date,
        population.customer_id,
        coalesce(purchase_history.orders, 0) as orders_before,
        case
            when purchase_history.orders >= 2
                then cast(purchase_history.purchase_span_days as {{ dbt.type_float() }}) / (purchase_history.orders - 1)
        end as mean_days_between_orders,
        {{ saturated_columns(settings, types.keys(), 'decayed') }},
        case
            when purchase_history.orders >= 2
                then 1 - exp(-1.0 * {{ horizon }} * (purchase_history.orders - 1) / greatest(purchase_history.purchase_span_days, 1))
            else 0
        end as purchase_rhythm_level
    from population
    left join decayed
        on
            population.date_role = decayed.date_role
            and population.customer_id = decayed.customer_id
    left join purchase_history
        on
            population.date_role = purchase_history.date_role
            and population.customer_id = purchase_history.customer_id

),

scored as (

    select
        *,
        {{ score_outputs('purchase', settings) }}
    from levels

),

-- calibration: who bought within the horizon after the back-test date, by score band
outcomes as (

    select distinct customer_id
    from {{ ref('int_customer_activity_daily') }}
    where
        interaction_type = 'purchase'
        and activity_date > {{ dbt.dateadd('day', -1 * horizon, as_of_date()) }}
        and activity_date <= {{ as_of_date() }}

),

backtest as (

    select
        least(cast(floor(scored.purchase_score / 10) as integer), 9) as score_band,
        case when outcomes.customer_id is not null then 1 else 0 end as purchased
    from scored
    left join outcomes
        on scored.customer_id = outcomes.customer_id
    where scored.date_role = 'backtest'

),

overall as (

    select avg(cast(purchased as {{ dbt.type_float() }})) as base_rate
    from backtest

),

bands as (

    select
        backtest.score_band,
        (sum(backtest.purchased) + 20 * max(overall.base_rate)) / (count(*) + 20) as band_rate
    from backtest
    cross join overall
    group by backtest.score_band

),

-- a higher score never gets a lower probability: each band takes the highest rate of
-- the bands up to it
monotone_bands as (

    select
        score_band,
        max(band_rate) over (order by score_band rows between unbounded preceding and current row) as band_rate
    from bands

),

probabilities as (

    select
        scored.date_role,
        scored.customer_id,
        coalesce(max(monotone_bands.band_rate), max(overall.base_rate)) as purchase_probability
    from scored
    cross join overall
    left join monotone_bands
        on monotone_bands.score_band <= least(cast(floor(scored.purchase_score / 10) as integer), 9)
    group by scored.date_role, scored.customer_id

),

final as (

    select
        scored.*,
        least(cast(floor(scored.purchase_score / 10) as integer), 9) as score_band,
        cast(round(cast(probabilities.purchase_probability as {{ dbt.type_numeric() }}), 4) as decimal(6, 4))
            as purchase_probability
    from scored
    inner join probabilities
        on
            scored.date_role = probabilities.date_role
            and scored.customer_id = probabilities.customer_id

)

select * from final
