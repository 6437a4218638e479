{#- Engagement (appetence) per customer and score date, 0-100: web sessions, e-mail opens
    and clicks, content views and feedback, each decayed with its half-life
    (var engagement_criteria) and saturated, then weighted. One row per score date
    (int_score_dates) and customer; customer_scores shows the as-of date. -#}
{%- set settings = score_settings('engagement') -%}
{%- set types = {
    'web_sessions': ['session'],
    'email_opens': ['email_opened'],
    'email_clicks': ['email_clicked'],
    'content_views': ['blog_view'],
    'feedback_given': ['nps_promoter', 'nps_passive', 'nps_detractor', 'csat', 'review'],
} -%}

with

population as (

    {{ customers_on_reference_dates() }}

),

activity as (

    {{ activity_before_reference_dates(score_lookback_days()) }}

),

decayed as (

    select
        date_role,
        customer_id,
        {{ decayed_columns(settings, types) }}
    from activity
    group by date_role, customer_id

),

levels as (

    select
        population.date_role,
        population.reference_date,
        population.customer_id,
        {{ saturated_columns(settings, types.keys(), 'decayed') }}
    from population
    left join decayed
        on
            population.date_role = decayed.date_role
            and population.customer_id = decayed.customer_id

),

final as (

    select
        *,
        {{ score_outputs('engagement', settings) }}
    from levels

)

select * from final
