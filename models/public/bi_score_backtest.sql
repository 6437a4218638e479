{{ config(alias='score_backtest') }}
{#- score_backtest for BI: a cell of fewer than min_cell_size customers keeps its row, with
    is_suppressed and null counts and measures. -#}

with

score_backtest as (

    select * from {{ ref('score_backtest') }}

),

final as (

    select
        score_name,
        outcome,
        horizon_days,
        {{ unless_small_cell('customers', 'customers') }} as customers,
        {{ unless_small_cell('customers_with_outcome', 'customers') }} as customers_with_outcome,
        {{ unless_small_cell('top_decile_customers', 'customers') }} as top_decile_customers,
        {{ unless_small_cell('base_rate', 'customers') }} as base_rate,
        {{ unless_small_cell('top_decile_rate', 'customers') }} as top_decile_rate,
        {{ unless_small_cell('lift', 'customers') }} as lift,
        {{ unless_small_cell('auc', 'customers') }} as auc,
        backtest_date,
        outcome_until_date,
        {{ is_small_cell('customers') }} as is_suppressed
    from score_backtest

)

select * from final
