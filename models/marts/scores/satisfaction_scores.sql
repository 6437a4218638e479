{#- Satisfaction per customer and score date, 0-100, from the feedback of the lookback
    window: NPS category, CSAT and review stars, each a mean weighted by recency
    (int_satisfaction_levels), weighted in int_score_points. Criteria without feedback are
    left out and the others re-weighted; a customer without any feedback has no
    satisfaction score (null), not a low one. -#}

with

levels as (

    select * from {{ ref('int_satisfaction_levels') }}

),

points as (

    select * from {{ ref('int_score_points') }}
    where score_name = 'satisfaction'

),

criteria as (

    select
        levels.*,
        points.points,
        points.score,
        points.top_factor
    from levels
    inner join points
        on
            levels.date_role = points.date_role
            and levels.customer_id = points.customer_id
            and levels.criterion = points.criterion

),

final as (

    select
        date_role,
        reference_date,
        customer_id,
        max(case when criterion = 'nps' then measured_value end) as nps_answers,
        max(case when criterion = 'csat' then measured_value end) as csat_answers,
        max(case when criterion = 'review_stars' then measured_value end) as reviews,
        max(case when criterion = 'nps' then criterion_level end) as nps_level,
        max(case when criterion = 'csat' then criterion_level end) as csat_level,
        max(case when criterion = 'review_stars' then criterion_level end) as review_stars_level,
        max(score) as satisfaction_score,
        max(case when criterion = 'nps' then points end) as nps_points,
        max(case when criterion = 'csat' then points end) as csat_points,
        max(case when criterion = 'review_stars' then points end) as review_stars_points,
        max(top_factor) as satisfaction_top_factor
    from criteria
    group by date_role, reference_date, customer_id

)

select * from final
