with

checked as (

    select * from {{ ref('base_legal__legal_events') }}

),

final as (

    select
        -- ids
        source_row_number,
        customer_id,

        -- strings
        event_type,
        case event_type
            when 'safeguard' then 0.5
            when 'receivership' then 0.8
            when 'liquidation' then 1.0
        end as severity,

        -- dates
        event_date

    from checked
    where rejection_reason is null

)

select * from final
