{#- One row per customer who objected to profiling, and since when. An objection counts
    from the first run that reads it, whatever the as-of date: a backfill of an earlier
    date does not profile an objector either. Erasure requests are not here: they carry no
    id, and base models drop the erased customers' rows (macro not_erased). -#}

with

requests as (

    select * from {{ ref('stg_privacy__rights_requests') }}

),

final as (

    select
        -- ids
        customer_id,

        -- booleans
        true as has_objected_to_profiling,

        -- dates
        min(requested_at) as objected_to_profiling_on

    from requests
    where request_type = 'objection_to_profiling' and customer_id is not null
    group by customer_id

)

select * from final
