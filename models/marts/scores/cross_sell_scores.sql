{#- Cross-sell propensity per customer, product category not bought yet and score date,
    0-100: co-purchase affinity, browsing of the category and declared interests
    (int_cross_sell_levels), weighted in int_score_points. is_best_next_category marks
    each customer's highest-scoring category (ties: the more widely bought category, then
    by name). -#}

with

levels as (

    select * from {{ ref('int_cross_sell_levels') }}

),

points as (

    select * from {{ ref('int_score_points') }}
    where score_name = 'cross_sell'

),

criteria as (

    select
        levels.*,
        points.points,
        points.score,
        points.top_factor,
        points.is_best_category
    from levels
    inner join points
        on
            levels.date_role = points.date_role
            and levels.customer_id = points.customer_id
            and levels.category = points.category
            and levels.criterion = points.criterion

),

final as (

    select
        date_role,
        reference_date,
        customer_id,
        category,
        category_buyers,
        max(case when criterion = 'category_affinity' then criterion_level end) as category_affinity_level,
        max(case when criterion = 'category_browsing' then measured_value end) as category_browsing_decayed,
        max(case when criterion = 'category_browsing' then criterion_level end) as category_browsing_level,
        cast(max(case when criterion = 'declared_interest' then criterion_level end) as integer)
            as declared_interest_level,
        max(score) as cross_sell_score,
        max(case when criterion = 'category_affinity' then points end) as category_affinity_points,
        max(case when criterion = 'category_browsing' then points end) as category_browsing_points,
        max(case when criterion = 'declared_interest' then points end) as declared_interest_points,
        max(top_factor) as cross_sell_top_factor,
        is_best_category as is_best_next_category
    from criteria
    group by date_role, reference_date, customer_id, category, category_buyers, is_best_category

)

select * from final
