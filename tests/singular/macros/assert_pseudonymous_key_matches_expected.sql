-- pseudonymous_key on hand-computed cases (three salts, so a rotation too); returns
-- mismatching rows.

with

cases as (

    select * from {{ ref('pseudonymous_key_cases') }}

),

keyed as (

    select
        *,
        {{ pseudonymous_key('customer_id', salt='salt') }} as customer_key
    from cases

)

select *  -- noqa: AM04
from keyed
where customer_key != expected_key or customer_key is null
