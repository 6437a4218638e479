{{ config(enabled=lifetime_models_enabled()) }}
{#- Calibration of every published probability (DOMAIN.md: a probability p is right when,
    among customers given about p, a share of about p did it): per score, band and
    back-test date, the customers, the mean predicted value, the observed rate (or mean),
    their gap and the Brier score; per score, the expected calibration error (ECE: the
    customer-weighted mean gap over the bands).
    - purchase_probability (purchase_scores, next prediction_horizon_days) as of the
      behaviour back-test date: did the customer make a qualifying purchase. The band
      rates are estimated on this same back-test, so its calibration is in-sample: it
      shows the smoothing and the monotone bands, and a score whose bands mix customers
      who behave differently (lapsed buyers in a band of active ones);
    - churn_probability (churn_scores) as of the calibration date (btyd_holdout_days
      earlier): no qualifying purchase in the holdout (subscribers: a cancellation), as
      predictive_backtest counts it;
    - expected_purchases (customer_lifetime_value, expected purchase days in the holdout,
      which CLV multiplies by the expected order value) as of the calibration date: the
      mean number of qualifying purchase days in the holdout; Brier is then the mean
      squared error.
    P(alive) has no observable outcome (a customer who buys nothing may still be alive),
    so it is checked through churn and expected purchases, which it drives.
    Probabilities are banded by tenths (band 3 = 0.30 to 0.40); expected purchases by
    tie-safe decile. A band is off when it has at least calibration_min_band_customers
    and its gap exceeds max(calibration_tolerance.absolute, calibration_tolerance.relative
    x observed); the test assert_published_probabilities_are_calibrated fails (demo) or
    warns (own data) on it. -#}
{%- set tolerance = var('calibration_tolerance') -%}
{%- set min_customers = var('calibration_min_band_customers') -%}

with

churn_dates as (

    select
        max(case when date_role = 'calibration' then reference_date end) as calibration_date,
        max(case when date_role = 'scoring' then reference_date end) as scoring_date
    from {{ ref('churn_scores') }}

),

holdout_purchases as (

    -- the buyers of the holdout among those scored on the calibration date, with their
    -- purchase days (int_customers_btyd_summary counts them for the back-test of btyd_fits)
    select
        customer_id,
        holdout_purchase_days as purchase_days
    from {{ ref('int_customers_btyd_summary') }}
    where date_role = 'calibration' and holdout_purchase_days > 0

),

cancelled as (

    select distinct events.customer_id
    from {{ ref('stg_billing__subscription_events') }} as events
    cross join churn_dates
    where
        events.event_type = 'cancellation'
        and events.event_date > churn_dates.calibration_date
        and events.event_date <= churn_dates.scoring_date

),

predictions as (

    select
        'purchase_probability' as score_name,
        outcomes.backtest_date,
        {{ prediction_horizon_days() }} as horizon_days,
        true as is_probability,
        cast(scores.purchase_probability as {{ dbt.type_float() }}) as predicted,
        cast(outcomes.had_outcome as {{ dbt.type_float() }}) as observed
    from {{ ref('purchase_scores') }} as scores
    inner join {{ ref('int_score_backtest_outcomes') }} as outcomes
        on outcomes.score_name = 'purchase' and scores.customer_id = outcomes.customer_id
    where scores.date_role = 'backtest' and scores.purchase_probability is not null
    union all
    select
        'churn_probability' as score_name,
        churn_dates.calibration_date as backtest_date,
        {{ positive_whole_var('btyd_holdout_days', 90) }} as horizon_days,
        true as is_probability,
        cast(churn.churn_probability as {{ dbt.type_float() }}) as predicted,
        cast(case
            when churn.churn_method = 'subscription_life_table' and cancelled.customer_id is not null then 1
            when churn.churn_method = 'subscription_life_table' then 0
            when holdout_purchases.customer_id is null then 1
            else 0
        end as {{ dbt.type_float() }}) as observed
    from {{ ref('churn_scores') }} as churn
    cross join churn_dates
    left join cancelled
        on churn.customer_id = cancelled.customer_id
    left join holdout_purchases
        on churn.customer_id = holdout_purchases.customer_id
    where churn.date_role = 'calibration' and churn.churn_probability is not null
    union all
    select
        'expected_purchases' as score_name,
        churn_dates.calibration_date as backtest_date,
        {{ positive_whole_var('btyd_holdout_days', 90) }} as horizon_days,
        false as is_probability,
        cast(clv.expected_purchases_holdout as {{ dbt.type_float() }}) as predicted,
        cast(coalesce(holdout_purchases.purchase_days, 0) as {{ dbt.type_float() }}) as observed
    from {{ ref('customer_lifetime_value') }} as clv
    cross join churn_dates
    left join holdout_purchases
        on clv.customer_id = holdout_purchases.customer_id
    where clv.date_role = 'calibration' and clv.prediction_status = 'predicted'

),

banded as (

    select
        score_name,
        backtest_date,
        horizon_days,
        is_probability,
        predicted,
        observed,
        case
            when is_probability then least(cast(floor(predicted * 10) as integer), 9)
            else {{ tie_safe_ntile('predicted', 10, partition_by='score_name') }} - 1
        end as band
    from predictions

),

bands as (

    select
        score_name,
        band,
        backtest_date,
        horizon_days,
        is_probability,
        count(*) as customers,
        min(predicted) as min_predicted,
        max(predicted) as max_predicted,
        avg(predicted) as mean_predicted,
        avg(observed) as observed,
        avg((predicted - observed) * (predicted - observed)) as brier
    from banded
    group by score_name, band, backtest_date, horizon_days, is_probability

),

gaps as (

    select
        *,
        abs(mean_predicted - observed) as calibration_gap,
        greatest({{ tolerance.absolute }}, {{ tolerance.relative }} * observed) as tolerance
    from bands

),

final as (

    select
        -- strings
        score_name,
        case
            when is_probability then {{ dbt.concat([
                rounded_text('band / 10.0', 1), "' to '", rounded_text('(band + 1) / 10.0', 1),
            ]) }}
            else {{ dbt.concat(["'decile '", "cast(band + 1 as " ~ dbt.type_string() ~ ")"]) }}
        end as band_label,

        -- numerics
        band,
        horizon_days,
        customers,
        cast(min_predicted as decimal(12, 4)) as min_predicted,
        cast(max_predicted as decimal(12, 4)) as max_predicted,
        cast(mean_predicted as decimal(12, 4)) as mean_predicted,
        cast(observed as decimal(12, 4)) as observed,
        cast(calibration_gap as decimal(12, 4)) as calibration_gap,
        cast(tolerance as decimal(12, 4)) as tolerance,
        cast(brier as decimal(12, 4)) as brier,
        cast(
            sum(customers * calibration_gap) over (partition by score_name)
            / sum(customers) over (partition by score_name)
            as decimal(12, 4)
        ) as expected_calibration_error,

        -- booleans
        is_probability,
        customers >= {{ min_customers }} and calibration_gap > tolerance as is_off_calibration,

        -- dates
        backtest_date,
        {{ as_of_date() }} as as_of_date

    from gaps

)

select * from final
