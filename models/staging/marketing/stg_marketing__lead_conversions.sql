with

checked as (

    select * from {{ ref('base_marketing__lead_conversions') }}

),

final as (

    select
        -- ids
        lead_id,
        customer_id,
        source_row_number,

        -- dates
        cast(converted_at as date) as converted_date,

        -- timestamps
        converted_at

    from checked
    where rejection_reason is null

)

select * from final
