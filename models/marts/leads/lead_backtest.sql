{#- How well the lead score predicted conversion, on the data itself, with and without the
    lookalike bonus (one row per variant): scores as of the cutoff (as-of date -
    lead_conversion_horizon_days) against conversion to customer in the following
    lead_conversion_horizon_days days (int_lead_backtest_population). Leads, converters,
    base rate; AUC (the chance that a random converter outscores a random non-converter,
    ties count half: macros mid_rank and rank_auc, as score_backtest); the top decile by
    score (tie-safe, tie_safe_ntile), its conversion rate and lift (rate / base rate);
    hand-off precision (share of the leads at or above lead_handoff_threshold on the cutoff
    that converted) and recall (share of the converters that were at or above it on the
    cutoff, i.e. handed off before converting). Rates are null when their group is empty. -#}
{%- set numeric = dbt.type_numeric() -%}

with

population as (

    select * from {{ ref('int_lead_backtest_population') }}

),

ranked as (

    select
        *,
        {{ mid_rank('lead_score', 'variant') }} as mid_rank,
        {{ tie_safe_ntile('lead_score', buckets=10, partition_by='variant') }} as score_decile
    from population

),

summary as (

    select
        variant,
        min(cutoff_date) as cutoff_date,
        count(*) as leads,
        sum(case when has_converted then 1 else 0 end) as converters,
        sum(case when has_converted then mid_rank else 0 end) as converter_rank_sum,
        sum(case when score_decile = 10 then 1 else 0 end) as top_decile_leads,
        sum(case when score_decile = 10 and has_converted then 1 else 0 end) as top_decile_converters,
        sum(case when is_handed_off then 1 else 0 end) as handed_off_leads,
        sum(case when is_handed_off and has_converted then 1 else 0 end) as handed_off_converters
    from ranked
    group by variant

),

final as (

    select
        -- strings
        variant,

        -- numerics
        leads,
        converters,
        round(cast(1.0 * converters / nullif(leads, 0) as {{ numeric }}), 4) as base_rate,
        round(cast({{ rank_auc('converter_rank_sum', 'converters', 'leads') }} as {{ numeric }}), 4) as auc,
        top_decile_leads,
        round(cast(1.0 * top_decile_converters / nullif(top_decile_leads, 0) as {{ numeric }}), 4)
            as top_decile_conversion_rate,
        round(cast(
            (1.0 * top_decile_converters / nullif(top_decile_leads, 0))
            / nullif(1.0 * converters / nullif(leads, 0), 0) as {{ numeric }}
        ), 2) as top_decile_lift,
        handed_off_leads,
        round(cast(1.0 * handed_off_converters / nullif(handed_off_leads, 0) as {{ numeric }}), 4)
            as handoff_precision,
        round(cast(1.0 * handed_off_converters / nullif(converters, 0) as {{ numeric }}), 4) as handoff_recall,
        {{ lead_conversion_horizon_days() }} as horizon_days,

        -- dates
        cutoff_date

    from summary

)

select * from final
