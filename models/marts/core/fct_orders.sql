{{ config(
    materialized='incremental',
    incremental_strategy=incremental_strategy('replace_window'),
    unique_key='order_id',
    incremental_predicates=[incremental_window_predicate('ordered_date')],
    on_schema_change='fail',
    post_hook="{{ purge_erased_customers(ref('base_privacy__rights_requests')) }}",
) }}

with

orders as (

    select * from {{ ref('int_orders_netted') }}
    {% if is_incremental() -%}
        -- orders dated in the window, and older ones a line of the window changed (a refund)
        where last_line_date >= {{ incremental_window_start('ordered_date') }}
    {%- endif %}

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

        -- dates
        ordered_date,

        -- timestamps
        ordered_at

    from orders

)

select * from final
