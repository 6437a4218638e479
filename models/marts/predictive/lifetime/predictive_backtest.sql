{{ config(enabled=lifetime_models_enabled()) }}
{#- How well churn and CLV predicted on this data: both computed as of the calibration
    date (the as-of date minus btyd_holdout_days) and compared with what happened up to
    the as-of date.
    - churn, per method: the outcome is a loss: for subscribers, a cancellation in the
      holdout; for other buyers, no qualifying purchase in the holdout. Base rate,
      top-decile rate, lift and AUC as in score_backtest.
    - clv: predicted spend in the holdout (expected_spend_holdout) against the actual net
      spend: totals, the error of the total, the mean absolute error per customer, the
      share of actual spend held by the top decile of predictions, and the AUC of
      expected purchases for "bought in the holdout". -#}

with

dates as (

    select
        max(case when date_role = 'calibration' then reference_date end) as calibration_date,
        max(case when date_role = 'scoring' then reference_date end) as scoring_date
    from {{ ref('churn_scores') }}

),

holdout_spend as (

    select
        orders.customer_id,
        sum(orders.net_amount) as actual_spend
    from {{ ref('int_orders_netted') }} as orders
    cross join dates
    where
        orders.is_qualifying
        and orders.ordered_date > dates.calibration_date
        and orders.ordered_date <= dates.scoring_date
    group by orders.customer_id

),

cancelled as (

    select distinct events.customer_id
    from {{ ref('stg_billing__subscription_events') }} as events
    cross join dates
    where
        events.event_type = 'cancellation'
        and events.event_date > dates.calibration_date
        and events.event_date <= dates.scoring_date

),

predictions as (

    select
        'churn: ' || churn.churn_method as model_name,
        churn.churn_probability as score,
        case
            when churn.churn_method = 'subscription_life_table' and cancelled.customer_id is not null then 1
            when churn.churn_method = 'subscription_life_table' then 0
            when holdout_spend.customer_id is null then 1
            else 0
        end as had_outcome,
        cast(null as {{ dbt.type_float() }}) as predicted_spend,
        cast(null as {{ dbt.type_float() }}) as actual_spend
    from {{ ref('churn_scores') }} as churn
    left join cancelled on churn.customer_id = cancelled.customer_id
    left join holdout_spend on churn.customer_id = holdout_spend.customer_id
    where churn.date_role = 'calibration' and churn.churn_probability is not null
    union all
    select
        'clv' as model_name,
        clv.expected_purchases_holdout as score,
        case when holdout_spend.customer_id is not null then 1 else 0 end as had_outcome,
        clv.expected_spend_holdout as predicted_spend,
        coalesce(holdout_spend.actual_spend, 0) as actual_spend
    from {{ ref('customer_lifetime_value') }} as clv
    left join holdout_spend on clv.customer_id = holdout_spend.customer_id
    where clv.date_role = 'calibration' and clv.prediction_status = 'predicted'

),

ranked as (

    select
        model_name,
        score,
        had_outcome,
        predicted_spend,
        actual_spend,
        {{ tie_safe_ntile('score', 10, partition_by='model_name') }} as score_decile,
        {{ mid_rank('score', 'model_name') }} as mid_rank
    from predictions

),

summary as (

    select
        model_name,
        count(*) as customers,
        sum(had_outcome) as customers_with_outcome,
        avg(cast(had_outcome as {{ dbt.type_float() }})) as base_rate,
        avg(case when score_decile = 10 then cast(had_outcome as {{ dbt.type_float() }}) end) as top_decile_rate,
        sum(case when had_outcome = 1 then mid_rank else 0 end) as positive_rank_sum,
        sum(predicted_spend) as predicted_spend,
        sum(actual_spend) as actual_spend,
        avg(abs(predicted_spend - actual_spend)) as mean_absolute_error,
        sum(case when score_decile = 10 then actual_spend end) as top_decile_actual_spend
    from ranked
    group by model_name

)

select
    model_name,
    {{ positive_whole_var('btyd_holdout_days', 90) }} as holdout_days,
    customers,
    cast(customers_with_outcome as bigint) as customers_with_outcome,
    cast(round(cast(base_rate as {{ dbt.type_numeric() }}), 4) as decimal(9, 4)) as base_rate,
    cast(round(cast(top_decile_rate as {{ dbt.type_numeric() }}), 4) as decimal(9, 4)) as top_decile_rate,
    cast(round(cast(top_decile_rate / nullif(base_rate, 0) as {{ dbt.type_numeric() }}), 2) as decimal(9, 2)) as lift,
    cast(
        round(
            cast(
                {{ rank_auc('positive_rank_sum', 'customers_with_outcome', 'customers') }}
                as {{ dbt.type_numeric() }}
            ),
            4
        )
        as decimal(9, 4)
    ) as auc,
    cast(predicted_spend as decimal(18, 2)) as predicted_spend,
    cast(actual_spend as decimal(18, 2)) as actual_spend,
    cast(
        round(cast((predicted_spend - actual_spend) / nullif(actual_spend, 0) as {{ dbt.type_numeric() }}), 4)
        as decimal(9, 4)
    ) as total_error_share,
    cast(mean_absolute_error as decimal(18, 2)) as mean_absolute_error,
    cast(
        round(cast(top_decile_actual_spend / nullif(actual_spend, 0) as {{ dbt.type_numeric() }}), 4)
        as decimal(9, 4)
    ) as top_decile_spend_share
from summary
