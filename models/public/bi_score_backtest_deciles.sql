{{ config(alias='score_backtest_deciles') }}
{#- score_backtest_deciles for BI: a decile of fewer than min_cell_size customers keeps its
    row, with is_suppressed and null counts and measures. -#}

with

score_backtest_deciles as (

    select * from {{ ref('score_backtest_deciles') }}

),

final as (

    select
        score_name,
        outcome,
        score_decile,
        {{ unless_small_cell('customers', 'customers') }} as customers,
        {{ unless_small_cell('customers_with_outcome', 'customers') }} as customers_with_outcome,
        {{ unless_small_cell('min_score', 'customers') }} as min_score,
        {{ unless_small_cell('max_score', 'customers') }} as max_score,
        {{ unless_small_cell('outcome_rate', 'customers') }} as outcome_rate,
        base_rate,
        {{ unless_small_cell('lift', 'customers') }} as lift,
        backtest_date,
        outcome_until_date,
        {{ is_small_cell('customers') }} as is_suppressed
    from score_backtest_deciles

)

select * from final
