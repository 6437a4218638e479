{#- Every criterion of every behaviour score with the settings in force (the weight set
    of var score_weight_set in seeds/score_weights.csv) and what it measures: how each
    score is built, for anyone who reads a score. -#}

with

settings as (

    select * from {{ ref('int_score_settings') }}

),

final as (

    select
        score_name,
        criterion,
        criterion_description,
        score_description,
        cast(weight as decimal(9, 3)) as weight,
        cast(weight_share as decimal(9, 4)) as weight_share,
        cast(half_life_days as decimal(9, 2)) as half_life_days,
        cast(saturation as decimal(18, 2)) as saturation
    from settings

)

select * from final
