-- Per scored lead, the points of lead_score_explanations add up to lead_scores.lead_score
-- (within 0.01 per row of rounding): every point of a lead score is explained.

with

explained as (

    select
        lead_id,
        sum(points) as explained_points,
        count(*) as criteria
    from {{ ref('lead_score_explanations') }}
    group by lead_id

),

scores as (

    select * from {{ ref('lead_scores') }}
    where lead_score is not null

)

select
    scores.lead_id,
    scores.lead_score,
    explained.explained_points
from scores
left join explained
    on scores.lead_id = explained.lead_id
where abs(scores.lead_score - coalesce(explained.explained_points, 0)) > 0.01 * (coalesce(explained.criteria, 0) + 1)
