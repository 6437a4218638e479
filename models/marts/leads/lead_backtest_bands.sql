{#- Calibration of the lead score by band, with and without the lookalike bonus: one row
    per variant and band of 20 points (0-19, 20-39, ..., 100 and above as 100) of the score
    on the back-test cutoff, with its leads, mean score, converters and conversion rate in
    the following lead_conversion_horizon_days days (int_lead_backtest_population). A
    score that ranks well has rates that rise from band to band. -#}
{%- set numeric = dbt.type_numeric() -%}

with

population as (

    select * from {{ ref('int_lead_backtest_population') }}

),

banded as (

    select
        *,
        cast(case when lead_score >= 100 then 100 else floor(lead_score / 20) * 20 end as integer) as score_band
    from population

),

final as (

    select
        -- strings
        variant,

        -- numerics
        score_band,
        count(*) as leads,
        round(cast(avg(lead_score) as {{ numeric }}), 2) as mean_lead_score,
        sum(case when has_converted then 1 else 0 end) as converters,
        round(cast(avg(case when has_converted then 1.0 else 0.0 end) as {{ numeric }}), 4) as conversion_rate

    from banded
    group by variant, score_band

)

select * from final
