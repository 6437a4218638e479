{#- One row per lead as of the as-of date: fit, engagement, lookalike bonus and lead score
    (points; docs/leads.md), grades (fit A-D x engagement 1-4, seed lead_grades), top
    factors and where the lead stands. A lead without marketing consent is not scored: its
    points, grades and factors are null and not_scored_reason says why. lead_status:
    not_scored, converted (became a customer by the as-of date), handed_off (crossed
    lead_handoff_threshold and still at or above it), recycled (crossed it, fell back
    below), nurture (never crossed it). -#}
{%- set applied_bonus = 'current_scores.lookalike_bonus' if lead_lookalike_enabled()
    else 'cast(0 as ' ~ dbt.type_numeric() ~ ')' -%}

with

leads as (

    select * from {{ ref('stg_marketing__leads') }}
    where created_date <= {{ as_of_date() }}

),

current_scores as (

    select * from {{ ref('int_lead_score_days') }}
    where is_as_of_date

),

top_factors as (

    select * from {{ ref('int_lead_top_factors') }}
    where score_date = {{ as_of_date() }}

),

handoffs as (

    select * from {{ ref('lead_handoffs') }}

),

conversions as (

    select * from {{ ref('stg_marketing__lead_conversions') }}
    where converted_date <= {{ as_of_date() }}

),

grades as (

    select * from {{ ref('lead_grades') }}

),

graded as (

    select
        current_scores.lead_id,
        max(case when grades.dimension = 'fit' then grades.min_points end) as fit_min_points,
        max(case when grades.dimension = 'engagement' then grades.min_points end) as engagement_min_points
    from current_scores
    inner join grades
        on
            (grades.dimension = 'fit' and current_scores.fit_points >= grades.min_points)
            or (grades.dimension = 'engagement' and current_scores.engagement_points >= grades.min_points)
    group by current_scores.lead_id

),

grade_names as (

    select
        graded.lead_id,
        fit_grades.grade as fit_grade,
        engagement_grades.grade as engagement_grade
    from graded
    left join grades as fit_grades
        on fit_grades.dimension = 'fit' and graded.fit_min_points = fit_grades.min_points
    left join grades as engagement_grades
        on engagement_grades.dimension = 'engagement' and graded.engagement_min_points = engagement_grades.min_points

),

final as (

    select
        -- ids
        leads.lead_id,

        -- strings
        leads.lead_type,
        case when not leads.has_marketing_consent then 'no_marketing_consent' end as not_scored_reason,
        grade_names.fit_grade,
        grade_names.engagement_grade,
        grade_names.fit_grade || grade_names.engagement_grade as lead_grade,
        top_factors.top_fit_factor,
        top_factors.top_engagement_factor,
        case
            when not leads.has_marketing_consent then 'not_scored'
            when conversions.lead_id is not null then 'converted'
            when handoffs.lead_id is not null then handoffs.lead_status
            else 'nurture'
        end as lead_status,

        -- numerics
        current_scores.fit_points,
        current_scores.engagement_points,
        case
            when current_scores.lead_id is not null then {{ applied_bonus }}
        end as lookalike_bonus,
        current_scores.lead_score,
        current_scores.days_since_last_activity,
        current_scores.inactivity_penalty,

        -- booleans
        leads.has_marketing_consent,

        -- dates
        leads.created_date,
        current_scores.last_activity_date,
        handoffs.handed_off_date,
        conversions.converted_date,
        {{ as_of_date() }} as as_of_date

    from leads
    left join current_scores
        on leads.lead_id = current_scores.lead_id
    left join top_factors
        on leads.lead_id = top_factors.lead_id
    left join handoffs
        on leads.lead_id = handoffs.lead_id
    left join conversions
        on leads.lead_id = conversions.lead_id
    left join grade_names
        on leads.lead_id = grade_names.lead_id

)

select * from final
