with

checked as (

    select * from {{ ref('base_shop__transactions') }}

),

final as (

    select
        -- ids
        source_row_number,
        order_id,
        customer_id,
        product_id,

        -- strings
        currency,
        line_status,

        -- numerics
        line_number,
        quantity,
        amount,

        -- dates
        cast(ordered_at as date) as ordered_date,

        -- timestamps
        ordered_at

    from checked
    where rejection_reason is null

)

select * from final
