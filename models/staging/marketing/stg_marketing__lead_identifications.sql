with

checked as (

    select * from {{ ref('base_marketing__lead_identifications') }}

),

final as (

    select
        -- ids
        source_row_number,
        visitor_id,
        lead_id,

        -- strings
        form_type,

        -- dates
        cast(identified_at as date) as identified_date,

        -- timestamps
        identified_at

    from checked
    where rejection_reason is null

)

select * from final
