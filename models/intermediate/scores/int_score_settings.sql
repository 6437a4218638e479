{#- The settings of every behaviour score in force: one row per score and criterion of the
    weight set chosen by var score_weight_set, from seeds/score_weights.csv (the project's
    sets) and tests/fixtures/seeds/score_weight_examples.csv (example sets), with what the
    score and the criterion mean. Numbers are kept as data: the score models join
    half_life_days and saturation, int_score_points joins weight. An unknown set leaves this
    model empty and fails its test assert_score_weight_set_is_known. -#}

with

weight_sets as (

    select * from {{ ref('score_weights') }}
    union all
    select * from {{ ref('score_weight_examples') }}

),

definitions as (

    select * from {{ ref('score_definitions') }}

),

chosen as (

    select * from weight_sets
    where weight_set = {{ score_weight_set() }}

),

final as (

    select
        -- strings
        chosen.weight_set,
        chosen.score_name,
        chosen.criterion,
        chosen.description as criterion_description,
        definitions.description as score_description,

        -- numerics
        chosen.position,
        chosen.weight,
        chosen.weight / nullif(sum(chosen.weight) over (partition by chosen.score_name), 0) as weight_share,
        cast(chosen.half_life_days as {{ dbt.type_float() }}) as half_life_days,
        cast(chosen.saturation as {{ dbt.type_float() }}) as saturation

    from chosen
    left join definitions
        on chosen.score_name = definitions.score_name

)

select * from final
