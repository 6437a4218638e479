{#- One row per customer with a data-subject request: whether (and since when) they
    object to profiling or asked for erasure. A request counts from the first run that
    reads it, whatever the as-of date: a backfill of an earlier date neither profiles an
    objector nor brings an erased customer back. -#}

with

requests as (

    select * from {{ ref('stg_privacy__rights_requests') }}

),

final as (

    select
        -- ids
        customer_id,

        -- booleans
        {{ dbt.bool_or("request_type = 'objection_to_profiling'") }} as has_objected_to_profiling,
        {{ dbt.bool_or("request_type = 'erasure'") }} as has_requested_erasure,

        -- dates
        min(case when request_type = 'objection_to_profiling' then requested_at end) as objected_to_profiling_on,
        min(case when request_type = 'erasure' then requested_at end) as erasure_requested_on

    from requests
    group by customer_id

)

select * from final
