{#- Engagement points of each lead on each of its score dates (int_lead_score_dates), per
    activity (page type, interaction type, form fill): the activities known by that date,
    each worth its seed points x 0.5 ^ ((score date - activity date) / lead_half_life_days).
    Unrounded; int_lead_score_days sums them, the explanations and top factors read them.
    The exponent is a double on every engine: a literal such as 14.0 is a decimal on Spark,
    whose division keeps 6 decimals (decayed points off by up to 1e-5). -#}

with

score_dates as (

    select * from {{ ref('int_lead_score_dates') }}

),

activities as (

    select * from {{ ref('int_lead_activities') }}

),

final as (

    select
        -- ids
        score_dates.lead_id,

        -- strings
        activities.activity_type,
        activities.activity,

        -- numerics
        count(*) as activity_count,
        sum(
            activities.points * power(
                0.5,
                {{ dbt.datediff('activities.activity_date', 'score_dates.score_date', 'day') }}
                / cast({{ lead_half_life_days() }} as {{ dbt.type_float() }})
            )
        ) as decayed_points,

        -- dates
        score_dates.score_date,
        max(activities.activity_date) as last_activity_date

    from score_dates
    inner join activities
        on
            score_dates.lead_id = activities.lead_id
            and score_dates.score_date >= activities.known_date
    group by score_dates.lead_id, score_dates.score_date, activities.activity_type, activities.activity

)

select * from final
