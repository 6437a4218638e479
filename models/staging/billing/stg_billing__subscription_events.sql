with

checked as (

    select * from {{ ref('base_billing__subscription_events') }}

),

final as (

    select
        -- ids
        source_row_number,
        subscription_id,
        customer_id,

        -- strings
        plan,
        event_type,

        -- dates
        cast(event_at as date) as event_date,

        -- timestamps
        event_at

    from checked
    where rejection_reason is null

)

select * from final
