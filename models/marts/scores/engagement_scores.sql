{#- Engagement (appetence) per customer and score date, 0-100, one row per score date
    (int_score_dates) and customer; customer_scores shows the as-of date. The criteria are
    measured in int_engagement_levels (web sessions, e-mail opens and clicks, content views
    and feedback, each decayed and saturated) and weighted in int_score_points; this mart
    puts them side by side: per criterion the decayed count, the level (0..1) and the
    points. -#}

with

levels as (

    select * from {{ ref('int_engagement_levels') }}

),

points as (

    select * from {{ ref('int_score_points') }}
    where score_name = 'engagement'

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
        max(case when criterion = 'web_sessions' then measured_value end) as web_sessions_decayed,
        max(case when criterion = 'web_sessions' then criterion_level end) as web_sessions_level,
        max(case when criterion = 'email_opens' then measured_value end) as email_opens_decayed,
        max(case when criterion = 'email_opens' then criterion_level end) as email_opens_level,
        max(case when criterion = 'email_clicks' then measured_value end) as email_clicks_decayed,
        max(case when criterion = 'email_clicks' then criterion_level end) as email_clicks_level,
        max(case when criterion = 'content_views' then measured_value end) as content_views_decayed,
        max(case when criterion = 'content_views' then criterion_level end) as content_views_level,
        max(case when criterion = 'feedback_given' then measured_value end) as feedback_given_decayed,
        max(case when criterion = 'feedback_given' then criterion_level end) as feedback_given_level,
        max(score) as engagement_score,
        max(case when criterion = 'web_sessions' then points end) as web_sessions_points,
        max(case when criterion = 'email_opens' then points end) as email_opens_points,
        max(case when criterion = 'email_clicks' then points end) as email_clicks_points,
        max(case when criterion = 'content_views' then points end) as content_views_points,
        max(case when criterion = 'feedback_given' then points end) as feedback_given_points,
        max(top_factor) as engagement_top_factor
    from criteria
    group by date_role, reference_date, customer_id

)

select * from final
