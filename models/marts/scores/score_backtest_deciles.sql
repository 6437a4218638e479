{#- Lift by decile of every score's back-test (int_score_backtest_outcomes: scores as of
    the back-test date, outcomes up to the as-of date): per score and tie-safe decile by
    score (10 = highest scores; equal scores share a decile, so a decile may be empty or
    hold more than 10%), the customers, the score range, the outcome rate and its lift
    over the score's base rate. The calibration-style view of the 0-100 scores, which are
    rankings, not probabilities: a score that ranks well has rates rising with the decile
    and lift above 1 at the top (payment risk: late or unpaid invoices; recovery: debt
    settled). -#}

with

outcomes as (

    select * from {{ ref('int_score_backtest_outcomes') }}

),

base_rates as (

    select
        score_name,
        avg(cast(had_outcome as {{ dbt.type_float() }})) as base_rate
    from outcomes
    group by score_name

),

deciles as (

    select
        score_name,
        score_decile,
        min(outcome) as outcome,
        min(backtest_date) as backtest_date,
        min(outcome_until_date) as outcome_until_date,
        count(*) as customers,
        sum(had_outcome) as customers_with_outcome,
        min(score) as min_score,
        max(score) as max_score,
        avg(cast(had_outcome as {{ dbt.type_float() }})) as outcome_rate
    from outcomes
    group by score_name, score_decile

),

final as (

    select
        -- strings
        deciles.score_name,
        deciles.outcome,

        -- numerics
        cast(deciles.score_decile as integer) as score_decile,
        deciles.customers,
        cast(deciles.customers_with_outcome as bigint) as customers_with_outcome,
        cast(deciles.min_score as decimal(9, 2)) as min_score,
        cast(deciles.max_score as decimal(9, 2)) as max_score,
        cast(round(cast(deciles.outcome_rate as {{ dbt.type_numeric() }}), 4) as decimal(9, 4)) as outcome_rate,
        cast(round(cast(base_rates.base_rate as {{ dbt.type_numeric() }}), 4) as decimal(9, 4)) as base_rate,
        cast(round(
            cast(deciles.outcome_rate / nullif(base_rates.base_rate, 0) as {{ dbt.type_numeric() }}), 2
        ) as decimal(9, 2)) as lift,

        -- dates
        deciles.backtest_date,
        deciles.outcome_until_date

    from deciles
    inner join base_rates
        on deciles.score_name = base_rates.score_name

)

select * from final
