{#- Staged lines in the reporting currency, with the reason a line cannot be scored when
    the reason needs more than the row itself: a test account, a customer the customer file
    does not know, an order whose lines disagree on customer or whose sale lines disagree on
    day, an order refunded or returned for more than it was sold for, a currency without
    rates, or no rate on or before the order day.
    A return or refund is often dated on its own day, after the sale: it belongs to its
    order all the same. Every line carries its order's day (ordered_date: the day of its
    sale lines, or of its own lines when it has none) and its own (line_date); rates are
    those of the order's day, so a full refund nets to zero. amount_reporting keeps the
    precision of amount x rate: amounts are rounded once, per order (int_orders_netted). -#}
{{ config(
    materialized=('incremental' if order_lines_kept_incrementally() else 'table'),
    incremental_strategy=incremental_strategy('replace_window'),
    unique_key='source_row_number',
    incremental_predicates=[incremental_window_predicate('line_date')],
    on_schema_change='fail',
    post_hook=(["{{ purge_erased_customers(ref('base_privacy__rights_requests')) }}"]
        if order_lines_kept_incrementally() else []),
) }}
{#- With a folder of deliveries and neither a customer file nor exchange rates
    (order_lines_kept_incrementally, macros/deliveries.sql) the lines are kept
    incrementally: each run converts again every line of each order with a line dated in
    its look-back window (macros/incremental.sql), delivered since the last run (row
    numbers only grow) or of a customer erased since (a conflict with that customer's
    lines goes with them), so the checks across an order's lines see all of them. -#}
{%- set reporting = sql_string(reporting_currency()) -%}
{%- set has_customer_file = raw_input_path('customers') is not none -%}
{%- if is_incremental() and execute -%}
    {#- verdicts that only a customer file or rates give, from a run that had them, would
        stay on lines of any age -#}
    {%- set stale = run_query("select count(*) from " ~ this ~ " where rejection_reason in "
        ~ "('test_account', 'unknown_customer', 'no_exchange_rate') or exchange_rate != 1") -%}
    {%- if stale.rows[0][0] > 0 -%}
        {{ exceptions.raise_compiler_error(this ~ " was built with a customer file or exchange rates ("
            ~ stale.rows[0][0] ~ " lines judged or converted by them); without them the lines are kept"
            ~ " incrementally: rebuild them once with `dbt build --full-refresh` (docs/deliveries.md).") }}
    {%- endif -%}
{%- endif %}

with

lines as (

    select * from {{ ref('stg_shop__transactions') }}
    {% if is_incremental() -%}
        where order_id in (
            select touched.order_id from {{ ref('stg_shop__transactions') }} as touched
            where
                touched.ordered_date >= {{ incremental_window_start('line_date') }}
                or touched.source_row_number > (
                    select coalesce(max(converted.source_row_number), 0) from {{ this }} as converted
                )
        )
        or order_id in (
            select erased.order_id from {{ this }} as erased
            where {{ erased_customer_rows(ref('base_privacy__rights_requests'), 'erased.customer_id') }}
        )
    {%- endif %}

),

customers as (

    select * from {{ ref('stg_crm__customers') }}

),

rates as (

    select * from {{ ref('stg_finance__exchange_rates') }}
    where to_currency = {{ reporting }}

),

rate_periods as (

    select
        from_currency,
        rate,
        rate_date as valid_from,
        lead(rate_date) over (partition by from_currency order by rate_date) as valid_until
    from rates

),

-- per order, in one pass over its lines: what its day and the checks across its lines
-- need
order_lines as (

    select
        order_id,
        min(customer_id) as first_customer_id,
        max(customer_id) as last_customer_id,
        min(case when line_status in ('completed', 'cancelled') then ordered_date end) as first_sale_date,
        max(case when line_status in ('completed', 'cancelled') then ordered_date end) as last_sale_date,
        min(ordered_date) as first_line_date,
        sum(case when line_status = 'completed' then 1 else 0 end) as completed_lines,
        sum(case when line_status = 'completed' then amount else 0 end) as sold_amount,
        sum(case when line_status in ('returned', 'refunded') then amount else 0 end) as deducted_amount
    from lines
    group by order_id

),

-- the order's day: its sale lines' (completed or cancelled), else its own lines'; its
-- lines must agree on who ordered, its sale lines on the day, and no return or refund may
-- be dated before the sale (conflicting); returned and refunded more than was sold
-- (over-refunded: the order is set aside, never netted below 0)
orders as (

    select
        order_id,
        coalesce(first_sale_date, first_line_date) as order_date,
        coalesce(
            first_customer_id != last_customer_id
            or first_sale_date != last_sale_date
            or first_line_date < first_sale_date,
            false
        ) as is_conflicting_order,
        coalesce(completed_lines > 0 and deducted_amount > sold_amount, false) as is_over_refunded_order
    from order_lines

),

dated_lines as (

    select
        lines.source_row_number,
        lines.order_id,
        lines.customer_id,
        lines.product_id,
        lines.currency,
        lines.line_status,
        lines.line_number,
        lines.quantity,
        lines.amount,
        lines.ordered_at,
        lines.ordered_date as line_date,
        orders.order_date as ordered_date,
        orders.is_conflicting_order,
        orders.is_over_refunded_order
    from lines
    inner join orders
        on lines.order_id = orders.order_id

),

-- the rate of each (currency, day) that occurs, found on the few distinct pairs rather
-- than on every line: the latest rate on or before the order day
currency_days as (

    select distinct
        currency,
        ordered_date
    from dated_lines
    where currency != {{ reporting }}

),

day_rates as (

    select
        currency_days.currency,
        currency_days.ordered_date,
        rate_periods.rate
    from currency_days
    inner join rate_periods
        on
            currency_days.currency = rate_periods.from_currency
            and currency_days.ordered_date >= rate_periods.valid_from
            and (
                rate_periods.valid_until is null
                or currency_days.ordered_date < rate_periods.valid_until
            )

),

rated_currencies as (

    select distinct from_currency as currency
    from rates

),

joined as (

    select
        dated_lines.*,
        case
            when dated_lines.currency = {{ reporting }} then cast(1 as decimal(18, 8))
            else day_rates.rate
        end as exchange_rate,
        coalesce(customers.is_test_account, false) as is_test_account,
        customers.customer_id is not null as is_known_customer,
        dated_lines.currency = {{ reporting }} or rated_currencies.currency is not null as is_rated_currency
    from dated_lines
    left join customers
        on dated_lines.customer_id = customers.customer_id
    left join rated_currencies
        on dated_lines.currency = rated_currencies.currency
    left join day_rates
        on
            dated_lines.currency = day_rates.currency
            and dated_lines.ordered_date = day_rates.ordered_date

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
        case
            when is_test_account then 'test_account'
            {% if has_customer_file -%}
                when not is_known_customer then 'unknown_customer'
            {% endif -%}
            when is_conflicting_order then 'conflicting_order_lines'
            when is_over_refunded_order then 'refund_exceeds_order'
            when not is_rated_currency then 'unknown_currency'
            when exchange_rate is null then 'no_exchange_rate'
        end as rejection_reason,

        -- numerics
        line_number,
        quantity,
        amount,
        exchange_rate,
        -- unrounded: the order's amounts are rounded once, in int_orders_netted
        cast(amount * exchange_rate as decimal(38, 10)) as amount_reporting,

        -- dates
        ordered_date,
        line_date,

        -- timestamps
        ordered_at

    from joined

)

select * from final
