{{ config(enabled=lifetime_models_enabled()) }}
{#- The back-test and calibration figures of every score, kept per as-of date so drift
    shows night after night: one row per as-of date, score and metric (auc, lift,
    expected_calibration_error), from score_backtest (behaviour scores),
    predictive_backtest (churn per method, CLV) and probability_calibration. Partitioned by
    as_of_date like customer_history: a run replaces the rows of its own date and leaves the
    others alone; a --full-refresh leaves it alone too (full_refresh=false). score_drift
    compares each date with the previous one. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=incremental_strategy('delete+insert'),
    partition_by=incremental_partition_by('as_of_date'),
    unique_key='as_of_date',
    full_refresh=false,
) }}

with

behaviour as (

    select
        score_name,
        customers,
        cast(auc as {{ dbt.type_float() }}) as auc,
        cast(lift as {{ dbt.type_float() }}) as lift
    from {{ ref('score_backtest') }}

),

predictive as (

    select
        model_name as score_name,
        customers,
        cast(auc as {{ dbt.type_float() }}) as auc,
        cast(lift as {{ dbt.type_float() }}) as lift
    from {{ ref('predictive_backtest') }}

),

calibration as (

    select
        score_name,
        sum(customers) as customers,
        max(cast(expected_calibration_error as {{ dbt.type_float() }})) as expected_calibration_error
    from {{ ref('probability_calibration') }}
    group by score_name

),

long_form as (

    select
        score_name,
        'auc' as metric,
        customers,
        auc as metric_value
    from behaviour
    union all
    select
        score_name,
        'lift' as metric,
        customers,
        lift as metric_value
    from behaviour
    union all
    select
        score_name,
        'auc' as metric,
        customers,
        auc as metric_value
    from predictive
    union all
    select
        score_name,
        'lift' as metric,
        customers,
        lift as metric_value
    from predictive
    union all
    select
        score_name,
        'expected_calibration_error' as metric,
        customers,
        expected_calibration_error as metric_value
    from calibration

)

select
    -- strings
    score_name,
    metric,

    -- numerics
    customers,
    cast(metric_value as decimal(12, 4)) as metric_value,

    -- dates
    {{ as_of_date() }} as as_of_date

from long_form
