with

orders as (

    select * from {{ ref('int_orders_netted') }}

),

final as (

    select
        -- ids
        order_id,
        customer_id,

        -- strings
        currency,
        order_status,

        -- numerics
        cast(sale_line_count as integer) as sale_line_count,
        cast(cancelled_line_count as integer) as cancelled_line_count,
        gross_amount,
        deducted_amount,
        net_amount,

        -- booleans
        is_qualifying,
        is_in_scoring_window,

        -- dates
        ordered_date,
        {{ as_of_date() }} as as_of_date,

        -- timestamps
        ordered_at

    from orders

)

select * from final
