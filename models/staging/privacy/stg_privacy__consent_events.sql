with

checked as (

    select * from {{ ref('base_privacy__consent_events') }}

),

final as (

    select
        -- ids
        source_row_number,
        customer_id,

        -- strings
        channel,
        consent_status,
        coalesce(consent_source, 'consent_events') as consent_source,

        -- timestamps
        event_at

    from checked
    where rejection_reason is null

)

select * from final
