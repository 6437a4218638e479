{#- Engagement criteria per customer and score date, in long form: one row per score date
    (int_score_dates), customer and criterion. Each criterion counts some interactions of
    the last score_lookback_days, each decayed by the criterion's half-life
    (0.5 ^ (days_before / half_life_days)), and is put on 0..1 by x / (x + saturation);
    half-lives and saturations come from the weight set in force (int_score_settings).
    measured_value is the decayed count. int_score_points weighs the levels; e-mail
    unsubscribes have a negative weight in the standard set: they take points away. -#}

with

customers as (

    select * from {{ ref('int_score_customers') }}

),

activity as (

    select * from {{ ref('int_score_activity') }}
    where days_before < {{ score_lookback_days() }}

),

settings as (

    select * from {{ ref('int_score_settings') }}
    where score_name = 'engagement'

),

-- the interactions each criterion counts
criterion_interactions as (

    select
        counted.criterion,
        counted.interaction_type
    from (
        values
        ('web_sessions', 'session'),
        ('email_opens', 'email_opened'),
        ('email_clicks', 'email_clicked'),
        ('content_views', 'blog_view'),
        ('feedback_given', 'nps_promoter'),
        ('feedback_given', 'nps_passive'),
        ('feedback_given', 'nps_detractor'),
        ('feedback_given', 'csat'),
        ('feedback_given', 'review'),
        ('email_unsubscribes', 'email_unsubscribed')
    ) as counted (criterion, interaction_type)

),

criteria as (

    select distinct criterion from criterion_interactions

),

decayed as (

    select
        activity.date_role,
        activity.customer_id,
        criterion_interactions.criterion,
        sum(activity.interaction_count * power(0.5, activity.days_before / settings.half_life_days)) as decayed_count
    from activity
    inner join criterion_interactions
        on activity.interaction_type = criterion_interactions.interaction_type
    left join settings
        on criterion_interactions.criterion = settings.criterion
    group by activity.date_role, activity.customer_id, criterion_interactions.criterion

),

final as (

    select
        customers.date_role,
        customers.reference_date,
        customers.customer_id,
        cast(null as {{ dbt.type_string() }}) as category,
        'engagement' as score_name,
        criteria.criterion,
        coalesce(decayed.decayed_count, 0) as measured_value,
        coalesce(decayed.decayed_count, 0) / (coalesce(decayed.decayed_count, 0) + settings.saturation)
            as criterion_level
    from customers
    cross join criteria
    left join settings
        on criteria.criterion = settings.criterion
    left join decayed
        on
            customers.date_role = decayed.date_role
            and customers.customer_id = decayed.customer_id
            and criteria.criterion = decayed.criterion

)

select * from final
