{#- Satisfaction criteria per customer and score date, in long form: one row per score
    date, customer and criterion. Each is a mean of the feedback of the last
    score_lookback_days, every answer weighted by recency (0.5 ^ (days_before /
    half_life_days), half-life from int_score_settings):
    - nps: promoter (9-10) 1, passive (7-8) 0.5, detractor (0-6) 0;
    - csat: CSAT (1-5) put on 0..1 by (mean - 1) / 4;
    - review_stars: review stars (1-5) put on 0..1 the same way.
    A criterion without feedback has a null level (int_score_points leaves it out and
    re-weights the others). measured_value is the number of answers (reviews). -#}

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
    where score_name = 'satisfaction'

),

-- the feedback each criterion reads
criterion_interactions as (

    select
        counted.criterion,
        counted.interaction_type
    from (
        values
        ('nps', 'nps_promoter'),
        ('nps', 'nps_passive'),
        ('nps', 'nps_detractor'),
        ('csat', 'csat'),
        ('review_stars', 'review')
    ) as counted (criterion, interaction_type)

),

criteria as (

    select distinct criterion from criterion_interactions

),

weighted as (

    select
        activity.date_role,
        activity.customer_id,
        activity.interaction_type,
        activity.interaction_count,
        activity.value_sum,
        criterion_interactions.criterion,
        power(0.5, activity.days_before / settings.half_life_days) as recency_weight
    from activity
    inner join criterion_interactions
        on activity.interaction_type = criterion_interactions.interaction_type
    left join settings
        on criterion_interactions.criterion = settings.criterion

),

decayed as (

    select
        date_role,
        customer_id,
        criterion,
        sum(interaction_count) as answers,
        sum(interaction_count * recency_weight) as weight_sum,
        sum(case when interaction_type = 'nps_promoter' then interaction_count * recency_weight else 0 end)
        + 0.5 * sum(case when interaction_type = 'nps_passive' then interaction_count * recency_weight else 0 end)
            as nps_points_sum,
        sum(value_sum * recency_weight) as value_sum
    from weighted
    group by date_role, customer_id, criterion

),

final as (

    select
        customers.date_role,
        customers.reference_date,
        customers.customer_id,
        cast(null as {{ dbt.type_string() }}) as category,
        'satisfaction' as score_name,
        criteria.criterion,
        coalesce(decayed.answers, 0) as measured_value,
        case
            when criteria.criterion = 'nps'
                then decayed.nps_points_sum / nullif(decayed.weight_sum, 0)
            else (decayed.value_sum / nullif(decayed.weight_sum, 0) - 1) / 4
        end as criterion_level
    from customers
    cross join criteria
    left join decayed
        on
            customers.date_role = decayed.date_role
            and customers.customer_id = decayed.customer_id
            and criteria.criterion = decayed.criterion

)

select * from final
