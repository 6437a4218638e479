{#- How well each score predicted, on the data itself: scores computed as of the back-test
    date (prediction_horizon_days before the as-of date) against what the customers did
    in the following days, up to the as-of date: the behaviour scores, payment risk and
    recovery (the outcomes: int_score_backtest_outcomes).
    Per score: customers, base rate, the top decile by score (tie-safe: equal scores share
    a decile, so the decile may hold a little more or less than 10%), its rate, lift
    (top-decile rate / base rate) and AUC (probability that a random customer with the
    outcome outscores a random one without; ties count half); score_backtest_deciles has
    every decile. Rerun on your own data:
    dbt build --select +score_backtest --vars '{as_of_date: ..., transactions_path: ...}'. -#}

with

dates as (

    select
        max(case when date_role = 'backtest' then reference_date end) as backtest_date,
        max(case when date_role = 'scoring' then reference_date end) as scoring_date
    from {{ ref('int_score_dates') }}

),

ranked as (

    select * from {{ ref('int_score_backtest_outcomes') }}

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
