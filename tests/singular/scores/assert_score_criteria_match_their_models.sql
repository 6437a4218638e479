-- Every criterion a score model computes (int_*_levels, gathered in int_score_points) is
-- in the weight set in force, and every criterion of the weight set is computed by its
-- score's model (checked for the scores that have rows on this data). Returns one row per
-- criterion found on one side only.

with

settings as (

    select * from {{ ref('int_score_settings') }}

),

computed as (

    select distinct
        score_name,
        criterion
    from {{ ref('int_score_points') }}

),

scores_with_rows as (

    select distinct score_name from computed

),

final as (

    select
        computed.score_name,
        computed.criterion,
        'computed by the score model but not in the weight set' as problem
    from computed
    left join settings
        on
            computed.score_name = settings.score_name
            and computed.criterion = settings.criterion
    where settings.criterion is null
    union all
    select
        settings.score_name,
        settings.criterion,
        'in the weight set but not computed by the score model' as problem
    from settings
    inner join scores_with_rows
        on settings.score_name = scores_with_rows.score_name
    left join computed
        on
            settings.score_name = computed.score_name
            and settings.criterion = computed.criterion
    where computed.criterion is null

)

select * from final
