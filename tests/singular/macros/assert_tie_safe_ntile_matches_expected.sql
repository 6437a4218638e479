-- tie_safe_ntile on hand-computed cases, both directions; returns mismatching rows.

with

cases as (

    select * from {{ ref('tie_safe_ntile_cases') }}

),

scored as (

    select
        *,
        {{ tie_safe_ntile('value', 5, higher_is_better=true, partition_by='case_name') }}
            as higher_is_better,
        {{ tie_safe_ntile('value', 5, higher_is_better=false, partition_by='case_name') }}
            as lower_is_better
    from cases

)

select *  -- noqa: AM04
from scored
where
    higher_is_better != expected_higher_is_better
    or lower_is_better != expected_lower_is_better
