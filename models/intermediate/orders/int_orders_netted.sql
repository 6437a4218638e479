{{ config(
    materialized='incremental',
    incremental_strategy=incremental_strategy('replace_window'),
    unique_key='order_id',
    incremental_predicates=[incremental_window_predicate('ordered_date')],
    on_schema_change='fail',
    post_hook="{{ purge_erased_customers(ref('base_privacy__rights_requests')) }}",
) }}
{#- The order fact: one row per order in the loaded files, amounts in the reporting
    currency: gross = completed lines, deducted = returned and refunded rows,
    net = gross - deducted. Cancelled lines count for nothing. A qualifying order has a
    completed line and a positive net amount. Lines come unrounded (amount x rate, in the
    precision of the currency: 3 decimals for KWD, 0 for JPY): each amount is rounded
    once, here, to the reporting currency's cents; net is gross - deducted rounded once.

    Independent of the as-of date (readers keep ordered_date <= as-of), so it is kept
    incrementally: each run recomputes the orders of its look-back window
    (macros/incremental.sql). All lines of an order share its day (else they are set
    aside as conflicting_order_lines); a return or refund dated on its own later day
    (line_date) belongs to its order and keeps the order's day. An incremental run
    recomputes every order with a line dated in its window, so a refund booked today
    against an order of last month nets that order again. -#}

with

lines as (

    select * from {{ ref('int_order_lines_converted') }}
    where
        rejection_reason is null
        {% if is_incremental() -%}
            and order_id in (
                select touched.order_id from {{ ref('int_order_lines_converted') }} as touched
                where touched.line_date >= {{ incremental_window_start('ordered_date') }}
            )
        {%- endif %}

),

summed as (

    select
        order_id,
        -- lines naming other customers were set aside upstream: one customer remains
        min(customer_id) as customer_id,
        coalesce(
            min(case when line_status in ('completed', 'cancelled') then ordered_at end), min(ordered_at)
        ) as ordered_at,
        min(ordered_date) as ordered_date,
        max(line_date) as last_line_date,
        case when min(currency) = max(currency) then min(currency) else 'mixed' end as currency,
        sum(case when line_status = 'completed' then 1 else 0 end) as sale_line_count,
        sum(case when line_status = 'cancelled' then 1 else 0 end) as cancelled_line_count,
        sum(case when line_status = 'completed' then amount_reporting else 0 end) as gross_amount,
        sum(
            case when line_status in ('returned', 'refunded') then amount_reporting else 0 end
        ) as deducted_amount
    from lines
    group by order_id

),

final as (

    select
        -- ids
        order_id,
        customer_id,

        -- strings
        currency,
        case
            when sale_line_count = 0 and cancelled_line_count > 0 then 'cancelled'
            when sale_line_count = 0 then 'adjustment_only'
            when deducted_amount >= gross_amount then 'returned'
            when deducted_amount > 0 then 'partially_returned'
            else 'completed'
        end as order_status,

        -- numerics
        sale_line_count,
        cancelled_line_count,
        cast(round(gross_amount, 2) as decimal(18, 2)) as gross_amount,
        cast(round(deducted_amount, 2) as decimal(18, 2)) as deducted_amount,
        cast(round(gross_amount - deducted_amount, 2) as decimal(18, 2)) as net_amount,

        -- booleans
        sale_line_count > 0 and gross_amount - deducted_amount > 0 as is_qualifying,

        -- dates
        ordered_date,
        last_line_date,

        -- timestamps
        ordered_at

    from summed

)

select * from final
