{#- Purchase probability per customer and score date.
    purchase_score (0-100) weighs recent browsing (sessions, product views, cart adds,
    pricing/contact/demo pages), recent purchases and the customer's purchase rhythm
    (criteria: int_purchase_levels; weighting: int_score_points). purchase_probability
    turns the score into the chance of a qualifying purchase in the next
    prediction_horizon_days: the share of customers of the same 10-point score band who
    bought within the horizon after the back-test date, smoothed towards the overall rate
    with the weight of 20 customers, so a thin band does not give an extreme rate, and
    never below the rate of a lower band (each band takes the highest rate of the bands
    up to it; an empty band, that of the bands below). When nobody was a customer on the
    back-test date (all history within the horizon before the as-of date) there is
    nothing to calibrate on: purchase_probability is null and purchase_probability_status
    says no_backtest_customers (otherwise calibrated). -#}

with

levels as (

    select * from {{ ref('int_purchase_levels') }}

),

points as (

    select * from {{ ref('int_score_points') }}
    where score_name = 'purchase'

),

criteria as (

    select
        levels.*,
        points.points,
        points.score,
        points.top_factor
    from levels
    inner join points
        on
            levels.date_role = points.date_role
            and levels.customer_id = points.customer_id
            and levels.criterion = points.criterion

),

scored as (

    select
        date_role,
        reference_date,
        customer_id,
        orders_before,
        mean_days_between_orders,
        max(case when criterion = 'recent_sessions' then measured_value end) as recent_sessions_decayed,
        max(case when criterion = 'recent_sessions' then criterion_level end) as recent_sessions_level,
        max(case when criterion = 'product_views' then measured_value end) as product_views_decayed,
        max(case when criterion = 'product_views' then criterion_level end) as product_views_level,
        max(case when criterion = 'cart_adds' then measured_value end) as cart_adds_decayed,
        max(case when criterion = 'cart_adds' then criterion_level end) as cart_adds_level,
        max(case when criterion = 'high_intent_views' then measured_value end) as high_intent_views_decayed,
        max(case when criterion = 'high_intent_views' then criterion_level end) as high_intent_views_level,
        max(case when criterion = 'recent_purchases' then measured_value end) as recent_purchases_decayed,
        max(case when criterion = 'recent_purchases' then criterion_level end) as recent_purchases_level,
        max(case when criterion = 'purchase_rhythm' then criterion_level end) as purchase_rhythm_level,
        max(score) as purchase_score,
        max(case when criterion = 'recent_sessions' then points end) as recent_sessions_points,
        max(case when criterion = 'product_views' then points end) as product_views_points,
        max(case when criterion = 'cart_adds' then points end) as cart_adds_points,
        max(case when criterion = 'high_intent_views' then points end) as high_intent_views_points,
        max(case when criterion = 'recent_purchases' then points end) as recent_purchases_points,
        max(case when criterion = 'purchase_rhythm' then points end) as purchase_rhythm_points,
        max(top_factor) as purchase_top_factor
    from criteria
    group by date_role, reference_date, customer_id, orders_before, mean_days_between_orders

),

-- calibration: who bought within the horizon after the back-test date (the back-test's
-- purchase outcome), by score band
backtest as (

    select
        least(cast(floor(score / 10) as integer), 9) as score_band,
        had_outcome as purchased
    from {{ ref('int_score_backtest_outcomes') }}
    where score_name = 'purchase'

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
            as purchase_probability,
        case
            when probabilities.purchase_probability is null then 'no_backtest_customers'
            else 'calibrated'
        end as purchase_probability_status
    from scored
    inner join probabilities
        on
            scored.date_role = probabilities.date_role
            and scored.customer_id = probabilities.customer_id

)

select * from final
