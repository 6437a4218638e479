{#- What each score means: for every measure and score 1-5, how many scored customers hold
    it and the range of values behind it. An empty score (ties wider than a quintile) shows
    0 customers and no range. -#}

with

scored as (

    select * from {{ ref('int_customers_rfm_scored') }}

),

scores as (

    {% for score in range(1, 6) -%}
        select {{ score }} as score
        {%- if not loop.last %} union all {% endif %}
    {% endfor %}

),

measures as (

    select
        'recency_days' as measure,
        r_score as score,
        cast(recency_days as {{ dbt.type_numeric() }}) as measure_value
    from scored
    union all
    select
        'frequency' as measure,
        f_score as score,
        cast(frequency as {{ dbt.type_numeric() }}) as measure_value
    from scored
    union all
    select
        'monetary' as measure,
        m_score as score,
        cast(monetary as {{ dbt.type_numeric() }}) as measure_value
    from scored

),

per_score as (

    select
        measure,
        score,
        count(*) as customers,
        min(measure_value) as min_value,
        max(measure_value) as max_value
    from measures
    group by measure, score

),

measure_names as (

    select
        'recency_days' as measure,
        'lower is better' as direction
    union all
    select
        'frequency' as measure,
        'higher is better' as direction
    union all
    select
        'monetary' as measure,
        'higher is better' as direction

),

total as (

    select count(*) as customers from scored

),

final as (

    select
        -- ids
        measure_names.measure,
        cast(scores.score as integer) as score,

        -- strings
        measure_names.direction,

        -- numerics
        cast(coalesce(per_score.customers, 0) as bigint) as customers,
        cast(coalesce(per_score.customers, 0) * 1.0 / nullif(total.customers, 0) as decimal(7, 4))
            as share_of_customers,
        cast(per_score.min_value as decimal(18, 2)) as min_value,
        cast(per_score.max_value as decimal(18, 2)) as max_value,

        -- dates
        {{ as_of_date() }} as as_of_date

    from measure_names
    cross join scores
    cross join total
    left join per_score
        on
            measure_names.measure = per_score.measure
            and scores.score = per_score.score

)

select * from final
