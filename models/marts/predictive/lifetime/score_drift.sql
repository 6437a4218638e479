{{ config(enabled=lifetime_models_enabled()) }}
{#- How each score's back-test figures moved since the previous as-of date kept in
    backtest_history: one row per score and metric of the as-of date, with the previous
    date and value, the change, and whether it moved beyond var drift_thresholds (auc,
    lift, expected_calibration_error: absolute changes). The nightly summary lists the
    scores that did. -#}
{%- set thresholds = var('drift_thresholds') -%}

with

history as (

    select * from {{ ref('backtest_history') }}

),

current_figures as (

    select * from history
    where as_of_date = {{ as_of_date() }}

),

previous_dates as (

    select max(as_of_date) as previous_as_of_date
    from history
    where as_of_date < {{ as_of_date() }}

),

previous_figures as (

    select history.*
    from history
    inner join previous_dates
        on history.as_of_date = previous_dates.previous_as_of_date

),

final as (

    select
        -- strings
        current_figures.score_name,
        current_figures.metric,

        -- numerics
        current_figures.metric_value,
        previous_figures.metric_value as previous_metric_value,
        current_figures.metric_value - previous_figures.metric_value as metric_change,
        case current_figures.metric
            {%- for metric, threshold in thresholds.items() %}
                when '{{ metric }}' then {{ threshold }}
            {%- endfor %}
        end as drift_threshold,

        -- dates
        current_figures.as_of_date,
        previous_figures.as_of_date as previous_as_of_date

    from current_figures
    left join previous_figures
        on
            current_figures.score_name = previous_figures.score_name
            and current_figures.metric = previous_figures.metric

)

select
    *,
    coalesce(abs(metric_change) > drift_threshold, false) as is_beyond_threshold
from final
