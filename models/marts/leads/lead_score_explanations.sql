{#- Why each scored lead has its score as of the as-of date: one row per lead and
    criterion with the points it adds. Fit: one row per profile attribute with points
    (seed lead_fit_points). Engagement: one row per activity (activity_type:activity) with
    its count and decayed points, then the inactivity penalty (negative) and, when the
    decayed points minus the penalty would fall below 0, the floor that brings engagement
    back to 0. Lookalike: the bonus, when var lead_lookalike_enabled. Unrounded points per
    row; per lead they add up to lead_scores.lead_score within rounding (0.01 per row). -#}

with

current_scores as (

    select * from {{ ref('int_lead_score_days') }}
    where is_as_of_date

),

fit as (

    select * from {{ ref('int_lead_fit') }}
    where points != 0

),

factors as (

    select * from {{ ref('int_lead_engagement_factors') }}
    where score_date = {{ as_of_date() }}

),

unrounded as (

    select
        current_scores.lead_id,
        current_scores.inactivity_penalty,
        coalesce(sum(factors.decayed_points), 0) as decayed_points
    from current_scores
    left join factors
        on current_scores.lead_id = factors.lead_id
    group by current_scores.lead_id, current_scores.inactivity_penalty

),

criteria as (

    select
        fit.lead_id,
        'fit' as dimension,
        fit.attribute_name || '=' || fit.attribute_value as criterion,
        cast(null as integer) as activity_count,
        cast(fit.points as {{ dbt.type_float() }}) as points
    from fit
    inner join current_scores
        on fit.lead_id = current_scores.lead_id
    union all
    select
        lead_id,
        'engagement' as dimension,
        activity_type || ':' || activity as criterion,
        cast(activity_count as integer) as activity_count,
        cast(decayed_points as {{ dbt.type_float() }}) as points
    from factors
    union all
    select
        lead_id,
        'engagement' as dimension,
        'inactivity_penalty' as criterion,
        cast(null as integer) as activity_count,
        cast(-1 * inactivity_penalty as {{ dbt.type_float() }}) as points
    from current_scores
    where inactivity_penalty > 0
    union all
    select
        lead_id,
        'engagement' as dimension,
        'floor_at_zero' as criterion,
        cast(null as integer) as activity_count,
        cast(inactivity_penalty - decayed_points as {{ dbt.type_float() }}) as points
    from unrounded
    where decayed_points < inactivity_penalty
    {%- if lead_lookalike_enabled() %}
        union all
        select
            lead_id,
            'lookalike' as dimension,
            'lookalike_bonus' as criterion,
            cast(null as integer) as activity_count,
            cast(lookalike_bonus as {{ dbt.type_float() }}) as points
        from current_scores
        where lookalike_bonus > 0
    {%- endif %}

),

final as (

    select
        -- ids
        lead_id,

        -- strings
        dimension,
        criterion,

        -- numerics
        activity_count,
        points,

        -- dates
        {{ as_of_date() }} as as_of_date

    from criteria

)

select * from final
