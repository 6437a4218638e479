with

checked as (

    select * from {{ ref('base_email__email_events') }}

),

final as (

    select
        -- ids
        source_row_number,
        customer_id,
        campaign_id,

        -- strings
        event_type,

        -- dates
        cast(event_at as date) as event_date,

        -- timestamps
        event_at

    from checked
    where rejection_reason is null

)

select * from final
