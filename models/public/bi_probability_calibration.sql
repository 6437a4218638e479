{{ config(alias='probability_calibration', enabled=lifetime_models_enabled()) }}
{#- probability_calibration for BI (where the lifetime models run: lifetime_models_enabled): a
    band of fewer than min_cell_size customers keeps its row, with is_suppressed and null
    counts and measures. -#}

with

probability_calibration as (

    select * from {{ ref('probability_calibration') }}

),

final as (

    select
        score_name,
        band_label,
        band,
        horizon_days,
        {{ unless_small_cell('customers', 'customers') }} as customers,
        {{ unless_small_cell('min_predicted', 'customers') }} as min_predicted,
        {{ unless_small_cell('max_predicted', 'customers') }} as max_predicted,
        {{ unless_small_cell('mean_predicted', 'customers') }} as mean_predicted,
        {{ unless_small_cell('observed', 'customers') }} as observed,
        {{ unless_small_cell('calibration_gap', 'customers') }} as calibration_gap,
        {{ unless_small_cell('tolerance', 'customers') }} as tolerance,
        {{ unless_small_cell('brier', 'customers') }} as brier,
        expected_calibration_error,
        is_probability,
        is_off_calibration,
        backtest_date,
        as_of_date,
        {{ is_small_cell('customers') }} as is_suppressed
    from probability_calibration

)

select * from final
