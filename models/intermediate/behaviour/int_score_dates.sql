{#- The dates behaviour scores are computed as of: the as-of date (role 'scoring'), and
    prediction_horizon_days earlier (role 'backtest'), whose scores are compared with what
    customers did in the days up to the as-of date (marts/scores/score_backtest). -#}

select
    'scoring' as date_role,
    {{ as_of_date() }} as reference_date
union all
select
    'backtest' as date_role,
    cast({{ dbt.dateadd('day', -1 * prediction_horizon_days(), as_of_date()) }} as date) as reference_date
