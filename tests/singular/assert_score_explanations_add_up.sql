-- Every explained score: its criteria's points add up to the score (each point figure is
-- rounded to 0.01, so the sum may differ by up to 0.01 per criterion), and the top factor
-- is one criterion with the most points (a score that rounds to 0 may still name the
-- criterion behind its tiny value).

with

explained as (

    select
        customer_id,
        score_name,
        max(score) as score,
        sum(points) as points,
        count(*) as criteria,
        max(points) as most_points,
        max(case when is_top_factor then points end) as top_factor_points,
        sum(case when is_top_factor then 1 else 0 end) as top_factors
    from {{ ref('score_explanations') }}
    group by customer_id, score_name

)

select *
from explained
where
    abs(points - score) > 0.01 * criteria
    or top_factors > 1
    or (most_points > 0 and (top_factors = 0 or top_factor_points < most_points - 0.01))
