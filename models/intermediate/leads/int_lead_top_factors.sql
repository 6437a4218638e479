{#- The top factor of each lead's fit and of its engagement on each score date: the profile
    value worth the most fit points (ties: the attribute listed first in int_lead_fit), as
    attribute=value, and the activity worth the most decayed engagement points then (ties:
    activity type, then activity, alphabetically), as activity_type:activity. Null when no
    value or activity is worth a point. -#}

with

score_dates as (

    select * from {{ ref('int_lead_score_dates') }}

),

fit as (

    select * from {{ ref('int_lead_fit') }}
    where points > 0

),

factors as (

    select * from {{ ref('int_lead_engagement_factors') }}
    where decayed_points > 0

),

top_fit as (

    select
        lead_id,
        attribute_name || '=' || attribute_value as top_fit_factor
    from (
        select
            *,
            row_number() over (partition by lead_id order by points desc, attribute_position asc) as factor_rank
        from fit
    ) as ranked
    where factor_rank = 1

),

top_engagement as (

    select
        lead_id,
        score_date,
        activity_type || ':' || activity as top_engagement_factor
    from (
        select
            *,
            row_number() over (
                partition by lead_id, score_date order by decayed_points desc, activity_type asc, activity asc
            ) as factor_rank
        from factors
    ) as ranked
    where factor_rank = 1

),

final as (

    select
        -- ids
        score_dates.lead_id,

        -- strings
        top_fit.top_fit_factor,
        top_engagement.top_engagement_factor,

        -- dates
        score_dates.score_date

    from score_dates
    left join top_fit
        on score_dates.lead_id = top_fit.lead_id
    left join top_engagement
        on
            score_dates.lead_id = top_engagement.lead_id
            and score_dates.score_date = top_engagement.score_date

)

select * from final
