-- Property of the scores on any data: customers with equal values get equal scores, and a
-- better value never gets a lower score (recency: fewer days is better). Returns the
-- measure and value where either fails.

with

scored as (

    select * from {{ ref('int_customers_rfm_scored') }}

),

measures as (

    select
        'recency_days' as measure,
        -1 * cast(recency_days as {{ dbt.type_numeric() }}) as goodness,
        r_score as score
    from scored
    union all
    select
        'frequency' as measure,
        cast(frequency as {{ dbt.type_numeric() }}) as goodness,
        f_score as score
    from scored
    union all
    select
        'monetary' as measure,
        cast(monetary as {{ dbt.type_numeric() }}) as goodness,
        m_score as score
    from scored

),

per_value as (

    select
        measure,
        goodness,
        min(score) as min_score,
        max(score) as max_score
    from measures
    group by measure, goodness

),

ordered as (

    select
        *,
        lag(max_score) over (partition by measure order by goodness) as worse_value_max_score
    from per_value

)

select
    measure,
    goodness,
    min_score,
    max_score,
    worse_value_max_score
from ordered
where min_score != max_score or min_score < worse_value_max_score
