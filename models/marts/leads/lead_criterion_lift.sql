{#- Which criteria of the lead score predicted conversion, on the back-test population
    (int_lead_backtest_population, without_lookalike rows): one row per engagement activity
    (activity_type:activity, any known by the cutoff within the last
    lead_conversion_horizon_days days) and per fit value (attribute=value), with the leads
    who had it, their conversion rate in the following lead_conversion_horizon_days days,
    the rate of the others, lift (rate with / base rate) and its rank (1 = most predictive;
    ties share a rank). Compare with the points in seeds lead_engagement_points and
    lead_fit_points: a criterion that ranks low but weighs much is a candidate to lower. -#}
{%- set numeric = dbt.type_numeric() -%}

with

population as (

    select * from {{ ref('int_lead_backtest_population') }}
    where variant = 'without_lookalike'

),

activities as (

    select * from {{ ref('int_lead_activities') }}

),

fit as (

    select * from {{ ref('int_lead_fit') }}
    where attribute_value is not null

),

base as (

    select
        count(*) as leads,
        sum(case when has_converted then 1 else 0 end) as converters
    from population

),

lead_criteria as (

    select distinct
        population.lead_id,
        'engagement' as dimension,
        activities.activity_type || ':' || activities.activity as criterion
    from population
    inner join activities
        on
            population.lead_id = activities.lead_id
            and population.cutoff_date >= activities.known_date
            and activities.activity_date > cast(
                {{ dbt.dateadd('day', -1 * lead_conversion_horizon_days(), 'population.cutoff_date') }} as date
            )
    union all
    select
        population.lead_id,
        'fit' as dimension,
        fit.attribute_name || '=' || fit.attribute_value as criterion
    from population
    inner join fit
        on population.lead_id = fit.lead_id

),

per_criterion as (

    select
        lead_criteria.dimension,
        lead_criteria.criterion,
        count(*) as leads_with,
        sum(case when population.has_converted then 1 else 0 end) as converters_with
    from lead_criteria
    inner join population
        on lead_criteria.lead_id = population.lead_id
    group by lead_criteria.dimension, lead_criteria.criterion

),

rated as (

    select
        per_criterion.*,
        1.0 * per_criterion.converters_with / per_criterion.leads_with as rate_with,
        1.0 * (base.converters - per_criterion.converters_with) / nullif(base.leads - per_criterion.leads_with, 0)
            as rate_without,
        1.0 * base.converters / nullif(base.leads, 0) as base_rate
    from per_criterion
    cross join base

),

final as (

    select
        -- strings
        dimension,
        criterion,

        -- numerics
        leads_with,
        converters_with,
        round(cast(rate_with as {{ numeric }}), 4) as conversion_rate_with,
        round(cast(rate_without as {{ numeric }}), 4) as conversion_rate_without,
        round(cast(rate_with / nullif(base_rate, 0) as {{ numeric }}), 2) as lift,
        rank() over (partition by dimension order by rate_with / nullif(base_rate, 0) desc) as lift_rank

    from rated

)

select * from final
