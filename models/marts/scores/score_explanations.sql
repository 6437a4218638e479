{#- Why a customer has their score: one row per customer, weighted score (behaviour,
    payment risk, recovery) and criterion on the as-of date, with the criterion's level
    (0..1, before weighting), its weight and the points it adds (int_score_points). The
    points of a customer's score add up to the score (to within rounding of a few
    hundredths). For cross-sell, the rows explain the best next category. Customers
    without a score (e.g. no feedback for satisfaction) have no rows for it. Churn and
    lifetime value are model outputs, not sums of points: their explanation is
    churn_reason and the model inputs in churn_scores and customer_lifetime_value. -#}

with

points as (

    select * from {{ ref('int_score_points') }}
    where
        date_role = 'scoring'
        and score is not null
        and is_best_category

),

final as (

    select
        -- ids
        customer_id,

        -- strings
        score_name,
        criterion,
        category,

        -- numerics
        cast(round(cast(criterion_level as {{ dbt.type_numeric() }}), 4) as decimal(9, 4)) as criterion_level,
        cast(weight as decimal(9, 3)) as weight,
        points,
        score,

        -- booleans
        is_top_factor,

        -- dates
        reference_date as as_of_date

    from points

)

select * from final
