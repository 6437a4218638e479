with

checked as (

    select * from {{ ref('base_privacy__rights_requests') }}

),

final as (

    select
        -- ids
        source_row_number,
        customer_id,
        customer_key,

        -- strings
        request_type,

        -- dates
        requested_at

    from checked
    where rejection_reason is null

)

select * from final
