{#- The leads of the lead back-test, one row per lead and variant (without_lookalike,
    with_lookalike): leads with marketing consent created by the cutoff (as-of date -
    lead_conversion_horizon_days) and not yet customers then, their score on the cutoff
    (int_lead_score_days, only what was known by then), whether it was at or above
    lead_handoff_threshold, and whether they became customers in the following
    lead_conversion_horizon_days days (up to the as-of date). -#}

with

cutoff_scores as (

    select * from {{ ref('int_lead_score_days') }}
    where is_backtest_cutoff

),

conversions as (

    select * from {{ ref('stg_marketing__lead_conversions') }}

),

eligible as (

    select
        cutoff_scores.*,
        conversions.converted_date
    from cutoff_scores
    left join conversions
        on cutoff_scores.lead_id = conversions.lead_id
    where conversions.converted_date is null or conversions.converted_date > cutoff_scores.score_date

),

variants as (

    select
        lead_id,
        'without_lookalike' as variant,
        lead_score_without_lookalike as lead_score,
        score_date,
        converted_date
    from eligible
    union all
    select
        lead_id,
        'with_lookalike' as variant,
        lead_score_with_lookalike as lead_score,
        score_date,
        converted_date
    from eligible

),

final as (

    select
        -- ids
        lead_id,

        -- strings
        variant,

        -- numerics
        lead_score,

        -- booleans
        lead_score >= {{ lead_handoff_threshold() }} as is_handed_off,
        coalesce(converted_date <= {{ as_of_date() }}, false) as has_converted,

        -- dates
        score_date as cutoff_date

    from variants

)

select * from final
