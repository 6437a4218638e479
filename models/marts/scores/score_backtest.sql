{#- How well each behaviour score predicted, on the data itself: scores computed as of
    the back-test date (prediction_horizon_days before the as-of date) against what the
    customers did in the following days, up to the as-of date.
    - engagement: any web session, e-mail open or click;
    - purchase: a qualifying purchase;
    - satisfaction: a qualifying purchase (satisfied customers come back), among
      customers with feedback;
    - cross_sell: a purchase in the customer's best next category;
    - reactivation: a qualifying purchase, among inactive customers.
    Per score: customers, base rate, the top decile by score (tie-safe: equal scores share
    a decile, so the decile may hold a little more or less than 10%), its rate, lift
    (top-decile rate / base rate) and AUC (probability that a random customer with the
    outcome outscores a random one without; ties count half). Rerun on your own data:
    dbt build --select +score_backtest --vars '{as_of_date: ..., transactions_path: ...}'. -#}

with

dates as (

    select
        max(case when date_role = 'backtest' then reference_date end) as backtest_date,
        max(case when date_role = 'scoring' then reference_date end) as scoring_date
    from {{ ref('int_score_dates') }}

),

later_activity as (

    select activity.*
    from {{ ref('int_customer_activity_daily') }} as activity
    cross join dates
    where
        activity.activity_date > dates.backtest_date
        and activity.activity_date <= dates.scoring_date

),

engaged as (

    select distinct customer_id from later_activity
    where interaction_type in ('session', 'email_opened', 'email_clicked')

),

purchased as (

    select distinct customer_id from later_activity
    where interaction_type = 'purchase'

),

category_purchased as (

    select distinct
        customer_id,
        category
    from later_activity
    where interaction_type = 'category_purchase'

),

predictions as (

    select
        'engagement' as score_name,
        'any web session, e-mail open or click' as outcome,
        scores.engagement_score as score,
        case when engaged.customer_id is not null then 1 else 0 end as had_outcome
    from {{ ref('engagement_scores') }} as scores
    left join engaged on scores.customer_id = engaged.customer_id
    where scores.date_role = 'backtest'
    union all
    select
        'purchase' as score_name,
        'a qualifying purchase' as outcome,
        scores.purchase_score as score,
        case when purchased.customer_id is not null then 1 else 0 end as had_outcome
    from {{ ref('purchase_scores') }} as scores
    left join purchased on scores.customer_id = purchased.customer_id
    where scores.date_role = 'backtest'
    union all
    select
        'satisfaction' as score_name,
        'a qualifying purchase' as outcome,
        scores.satisfaction_score as score,
        case when purchased.customer_id is not null then 1 else 0 end as had_outcome
    from {{ ref('satisfaction_scores') }} as scores
    left join purchased on scores.customer_id = purchased.customer_id
    where scores.date_role = 'backtest' and scores.satisfaction_score is not null
    union all
    select
        'cross_sell' as score_name,
        'a purchase in the best next category' as outcome,
        scores.cross_sell_score as score,
        case when category_purchased.customer_id is not null then 1 else 0 end as had_outcome
    from {{ ref('cross_sell_scores') }} as scores
    left join category_purchased
        on
            scores.customer_id = category_purchased.customer_id
            and scores.category = category_purchased.category
    where scores.date_role = 'backtest' and scores.is_best_next_category
    union all
    select
        'reactivation' as score_name,
        'a qualifying purchase' as outcome,
        scores.reactivation_score as score,
        case when purchased.customer_id is not null then 1 else 0 end as had_outcome
    from {{ ref('reactivation_scores') }} as scores
    left join purchased on scores.customer_id = purchased.customer_id
    where scores.date_role = 'backtest'

),

ranked as (

    select
        score_name,
        outcome,
        had_outcome,
        {{ tie_safe_ntile('score', 10, partition_by='score_name') }} as score_decile,
        {{ mid_rank('score', 'score_name') }} as mid_rank
    from predictions

),

summary as (

    select
        score_name,
        min(outcome) as outcome,
        count(*) as customers,
        sum(had_outcome) as customers_with_outcome,
        avg(cast(had_outcome as {{ dbt.type_float() }})) as base_rate,
        sum(case when score_decile = 10 then 1 else 0 end) as top_decile_customers,
        avg(case when score_decile = 10 then cast(had_outcome as {{ dbt.type_float() }}) end) as top_decile_rate,
        sum(case when had_outcome = 1 then mid_rank else 0 end) as positive_rank_sum
    from ranked
    group by score_name

),

scored_summary as (

    select
        *,
        {{ rank_auc('positive_rank_sum', 'customers_with_outcome', 'customers') }} as auc
    from summary

),

final as (

    select
        -- strings
        scored_summary.score_name,
        scored_summary.outcome,

        -- numerics
        {{ prediction_horizon_days() }} as horizon_days,
        scored_summary.customers,
        cast(scored_summary.customers_with_outcome as bigint) as customers_with_outcome,
        cast(scored_summary.top_decile_customers as bigint) as top_decile_customers,
        cast(round(cast(scored_summary.base_rate as {{ dbt.type_numeric() }}), 4) as decimal(9, 4)) as base_rate,
        cast(round(cast(scored_summary.top_decile_rate as {{ dbt.type_numeric() }}), 4) as decimal(9, 4))
            as top_decile_rate,
        cast(round(
            cast(scored_summary.top_decile_rate / nullif(scored_summary.base_rate, 0) as {{ dbt.type_numeric() }}), 2
        ) as decimal(9, 2)) as lift,
        cast(round(cast(scored_summary.auc as {{ dbt.type_numeric() }}), 4) as decimal(9, 4)) as auc,

        -- dates
        dates.backtest_date,
        dates.scoring_date as outcome_until_date

    from scored_summary
    cross join dates

)

select * from final
