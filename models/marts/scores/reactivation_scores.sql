{#- Reactivation per customer and score date, 0-100, for inactive customers: at least one
    qualifying purchase, none for more than reactivation_inactive_days. Ranks them by
    what they were worth (net amount, orders), the engagement they kept (sessions,
    e-mail opens and clicks, decayed) and how recently they lapsed
    (int_reactivation_levels), weighted in int_score_points. Active customers and those
    who never bought have no reactivation score (no row). -#}

with

levels as (

    select * from {{ ref('int_reactivation_levels') }}

),

points as (

    select * from {{ ref('int_score_points') }}
    where score_name = 'reactivation'

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
        orders_before,
        net_amount_before,
        days_since_last_purchase,
        is_inactive,
        max(case when criterion = 'remaining_engagement' then measured_value end) as remaining_engagement_decayed,
        max(case when criterion = 'past_value' then criterion_level end) as past_value_level,
        max(case when criterion = 'past_orders' then criterion_level end) as past_orders_level,
        max(case when criterion = 'remaining_engagement' then criterion_level end) as remaining_engagement_level,
        max(case when criterion = 'lapse_recency' then criterion_level end) as lapse_recency_level,
        max(score) as reactivation_score,
        max(case when criterion = 'past_value' then points end) as past_value_points,
        max(case when criterion = 'past_orders' then points end) as past_orders_points,
        max(case when criterion = 'remaining_engagement' then points end) as remaining_engagement_points,
        max(case when criterion = 'lapse_recency' then points end) as lapse_recency_points,
        max(top_factor) as reactivation_top_factor
    from criteria
    group by
        date_role, reference_date, customer_id, orders_before, net_amount_before, days_since_last_purchase, is_inactive

)

select * from final
