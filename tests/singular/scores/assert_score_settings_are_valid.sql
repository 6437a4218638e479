-- The weight set in force (int_score_settings) can score: weights given (a negative one is a
-- signal against the score: it takes points away), at least
-- one above 0 per score, half-lives and saturations above 0 where given, every score of
-- seeds/score_definitions.csv weighted. Returns one row per problem.

with

settings as (

    select * from {{ ref('int_score_settings') }}

),

definitions as (

    select * from {{ ref('score_definitions') }}

),

criterion_problems as (

    select
        score_name,
        criterion,
        case
            when weight is null then 'weight must be a number (negative: a signal against the score)'
            when half_life_days <= 0 then 'half_life_days must be above 0 (or empty: no decay)'
            when saturation <= 0 then 'saturation must be above 0 (or empty: already on 0..1)'
        end as problem
    from settings

),

score_problems as (

    select
        definitions.score_name,
        cast(null as {{ dbt.type_string() }}) as criterion,
        case
            when count(settings.criterion) = 0 then 'the weight set has no criteria for this score'
            when coalesce(sum(case when settings.weight > 0 then settings.weight end), 0) <= 0
                then 'at least one criterion needs a weight above 0'
        end as problem
    from definitions
    left join settings
        on definitions.score_name = settings.score_name
    group by definitions.score_name

),

final as (

    select * from criterion_problems
    union all
    select * from score_problems

)

select * from final
where problem is not null
