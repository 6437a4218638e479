with

checked as (

    select * from {{ ref('base_web__web_events') }}

),

final as (

    select
        -- ids
        source_row_number,
        session_id,
        customer_id,
        product_id,

        -- strings
        event_type,
        coalesce(page_type, 'other') as page_type,

        -- dates
        cast(event_at as date) as event_date,

        -- timestamps
        event_at

    from checked
    where rejection_reason is null

)

select * from final
