{#- The settings of every behaviour score in force: one row per score and criterion, with
    what the score and the criterion mean. The weight set chosen by var score_weight_set
    (seeds/score_weights.csv, or the example sets of
    tests/fixtures/seeds/score_weight_examples.csv) lists the criteria it changes; every
    other criterion keeps its row of the standard set, which lists them all. weight_set
    says which set each row comes from. Numbers are kept as data: the score models join
    half_life_days and saturation, int_score_points joins weight. An unknown set fails the
    test assert_score_weight_set_is_known. -#}

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

standard as (

    select * from weight_sets
    where weight_set = 'standard'

),

in_force as (

    select * from chosen
    union all
    select * from standard
    where not exists (
            select 1 from chosen
            where
                chosen.score_name = standard.score_name
                and chosen.criterion = standard.criterion
        )

),

final as (

    select
        -- strings
        in_force.weight_set,
        in_force.score_name,
        in_force.criterion,
        in_force.description as criterion_description,
        definitions.description as score_description,

        -- numerics
        in_force.position,
        in_force.weight,
        in_force.weight / nullif(
            sum(case when in_force.weight > 0 then in_force.weight else 0 end)
                over (partition by in_force.score_name),
            0
        ) as weight_share,
        cast(in_force.half_life_days as {{ dbt.type_float() }}) as half_life_days,
        cast(in_force.saturation as {{ dbt.type_float() }}) as saturation

    from in_force
    left join definitions
        on in_force.score_name = definitions.score_name

)

select * from final
