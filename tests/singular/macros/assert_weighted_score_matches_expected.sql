-- weighted_score on hand-computed cases with two weightings; returns mismatching rows.
{%- set criteria = {
    'a': {'expression': 'criterion_a', 'min': 0, 'max': 10},
    'b': {'expression': 'criterion_b', 'min': 0, 'max': 10},
    'c': {'expression': 'criterion_c', 'min': 0, 'max': 10},
} %}

with

cases as (

    select * from {{ ref('weighted_score_cases') }}

),

scored as (

    select
        *,
        {{ weighted_score(criteria, {'a': 1, 'b': 1, 'c': 1}) }} as equal_weights,
        {{ weighted_score(criteria, {'a': 2, 'b': 1}) }} as a2_b1_c0
    from cases

)

select *  -- noqa: AM04
from scored
where
    equal_weights != expected_equal_weights
    or a2_b1_c0 != expected_a2_b1_c0
