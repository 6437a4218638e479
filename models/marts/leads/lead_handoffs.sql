{#- One row per lead handed off to sales: the first score date on which its lead score
    (int_lead_score_days.lead_score) reached var lead_handoff_threshold, before it became a
    customer, with its score and top factors that day. lead_status says where it stands as
    of the as-of date: converted, handed_off (still at or above the threshold) or recycled
    (fallen back below after decay and the inactivity penalty: back to marketing). -#}

with

score_days as (

    select * from {{ ref('int_lead_score_days') }}

),

top_factors as (

    select * from {{ ref('int_lead_top_factors') }}

),

conversions as (

    select * from {{ ref('stg_marketing__lead_conversions') }}
    where converted_date <= {{ as_of_date() }}

),

crossings as (

    select
        score_days.*,
        row_number() over (partition by score_days.lead_id order by score_days.score_date) as crossing_rank
    from score_days
    left join conversions
        on score_days.lead_id = conversions.lead_id
    where
        score_days.lead_score >= {{ lead_handoff_threshold() }}
        and (conversions.converted_date is null or score_days.score_date < conversions.converted_date)

),

current_scores as (

    select * from score_days
    where is_as_of_date

),

final as (

    select
        -- ids
        crossings.lead_id,

        -- strings
        top_factors.top_fit_factor,
        top_factors.top_engagement_factor,
        case
            when conversions.lead_id is not null then 'converted'
            when current_scores.lead_score >= {{ lead_handoff_threshold() }} then 'handed_off'
            else 'recycled'
        end as lead_status,

        -- numerics
        crossings.lead_score as handoff_lead_score,
        crossings.fit_points as handoff_fit_points,
        crossings.engagement_points as handoff_engagement_points,
        {{ 'crossings.lookalike_bonus' if lead_lookalike_enabled() else 'cast(0 as ' ~ dbt.type_numeric() ~ ')' }}
            as handoff_lookalike_bonus,
        current_scores.lead_score,

        -- dates
        crossings.score_date as handed_off_date,
        conversions.converted_date,
        {{ as_of_date() }} as as_of_date

    from crossings
    left join top_factors
        on
            crossings.lead_id = top_factors.lead_id
            and crossings.score_date = top_factors.score_date
    left join current_scores
        on crossings.lead_id = current_scores.lead_id
    left join conversions
        on crossings.lead_id = conversions.lead_id
    where crossings.crossing_rank = 1

)

select * from final
