{#- One row per order known on the as-of date, amounts in the reporting currency:
    gross = completed lines, deducted = returned and refunded rows, net = gross - deducted.
    Cancelled lines count for nothing. A qualifying order has a completed line and a
    positive net amount. -#}
{%- set window_start = scoring_window_start() -%}

with

lines as (

    select * from {{ ref('int_order_lines_converted') }}
    where
        rejection_reason is null
        and ordered_date <= {{ as_of_date() }}

),

summed as (

    select
        order_id,
        -- lines naming other customers were set aside upstream: one customer remains
        min(customer_id) as customer_id,
        min(ordered_at) as ordered_at,
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
        cast(gross_amount as decimal(18, 2)) as gross_amount,
        cast(deducted_amount as decimal(18, 2)) as deducted_amount,
        cast(gross_amount - deducted_amount as decimal(18, 2)) as net_amount,

        -- booleans
        sale_line_count > 0 and gross_amount - deducted_amount > 0 as is_qualifying,
        {% if window_start -%}
        cast(ordered_at as date) >= {{ window_start }}
        {%- else -%}
            true
        {%- endif %} as is_in_scoring_window,

        -- dates
        cast(ordered_at as date) as ordered_date,

        -- timestamps
        ordered_at

    from summed

)

select * from final
