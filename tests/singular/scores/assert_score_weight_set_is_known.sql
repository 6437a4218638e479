-- The weight set of var score_weight_set is in seeds/score_weights.csv (or the example sets
-- of tests/fixtures/seeds/score_weight_examples.csv): otherwise no score would have a
-- weight. Returns the problem, with the known sets, when it is not; dbt build then skips
-- every score.

with

weight_sets as (

    select weight_set from {{ ref('score_weights') }}
    union
    select weight_set from {{ ref('score_weight_examples') }}

),

known as (

    select {{ dbt.listagg('weight_set', "', '", "order by weight_set") }} as known_sets
    from weight_sets

)

select
    {{ score_weight_set() }} as weight_set,
    'score_weight_set ''' || {{ score_weight_set() }} || ''' is not in seeds/score_weights.csv. Known sets: '
    || known.known_sets || '.' as problem
from known
where not exists (
        select 1 from weight_sets
        where weight_sets.weight_set = {{ score_weight_set() }}
    )
