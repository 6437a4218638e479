{#- The lead score of each lead with marketing consent on every day it can change upwards:
    one row per lead and score date. The score dates are the day the lead was created, each
    day a new activity became known (int_lead_activities.known_date), the back-test's cutoff
    (as-of date - lead_conversion_horizon_days) and the as-of date. Between two of them the
    score only falls (decay, inactivity penalty), so the first score date at or above the
    threshold is the day the lead first crossed it (lead_handoffs).
    On a score date d, with only the activities known by d:
      engagement = max(0, sum(points x 0.5 ^ ((d - activity_date) / lead_half_life_days))
                          - lead_inactivity_penalty when d - last activity >= lead_inactivity_days)
      (a lead with no activity yet counts its days from its creation);
      lead score = fit + engagement (+ lookalike bonus: with_lookalike, and lead_score when
      var lead_lookalike_enabled). Points rounded to 2 decimals. -#}
{%- set numeric = dbt.type_numeric() -%}

with

leads as (

    select * from {{ ref('stg_marketing__leads') }}
    where has_marketing_consent and created_date <= {{ as_of_date() }}

),

fit as (

    select
        lead_id,
        sum(points) as fit_points
    from {{ ref('int_lead_fit') }}
    group by lead_id

),

lookalike as (

    select * from {{ ref('int_lead_lookalike') }}

),

score_dates as (

    select * from {{ ref('int_lead_score_dates') }}

),

decayed as (

    select
        lead_id,
        score_date,
        sum(decayed_points) as decayed_points,
        max(last_activity_date) as last_activity_date
    from {{ ref('int_lead_engagement_factors') }}
    group by lead_id, score_date

),

scored as (

    select
        score_dates.lead_id,
        score_dates.score_date,
        decayed.last_activity_date,
        {{ dbt.datediff('coalesce(decayed.last_activity_date, leads.created_date)', 'score_dates.score_date', 'day') }}
            as days_since_last_activity,
        coalesce(decayed.decayed_points, 0) as decayed_points,
        coalesce(fit.fit_points, 0) as fit_points,
        coalesce(lookalike.lookalike_bonus, 0) as lookalike_bonus
    from score_dates
    inner join leads
        on score_dates.lead_id = leads.lead_id
    left join decayed
        on
            score_dates.lead_id = decayed.lead_id
            and score_dates.score_date = decayed.score_date
    left join fit
        on score_dates.lead_id = fit.lead_id
    left join lookalike
        on score_dates.lead_id = lookalike.lead_id

),

penalised as (

    select
        *,
        case
            when days_since_last_activity >= {{ lead_inactivity_days() }} then {{ lead_inactivity_penalty() }}
            else 0
        end as inactivity_penalty
    from scored

),

rounded as (

    select
        *,
        round(cast(greatest(decayed_points - inactivity_penalty, 0) as {{ numeric }}), 2) as engagement_points
    from penalised

),

final as (

    select
        -- ids
        lead_id,

        -- numerics
        days_since_last_activity,
        round(cast(decayed_points as {{ numeric }}), 2) as decayed_points,
        inactivity_penalty,
        fit_points,
        engagement_points,
        lookalike_bonus,
        fit_points + engagement_points as lead_score_without_lookalike,
        fit_points + engagement_points + lookalike_bonus as lead_score_with_lookalike,
        fit_points + engagement_points {{ '+ lookalike_bonus' if lead_lookalike_enabled() else '' }}
            as lead_score,

        -- booleans
        score_date = {{ as_of_date() }} as is_as_of_date,
        score_date = cast({{ dbt.dateadd('day', -1 * lead_conversion_horizon_days(), as_of_date()) }} as date)
            as is_backtest_cutoff,

        -- dates
        score_date,
        last_activity_date

    from rounded

)

select * from final
