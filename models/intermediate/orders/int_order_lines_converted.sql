{#- Staged lines in the reporting currency, with the reason a line cannot be scored when
    the reason needs more than the row itself: a test account, a customer the customer file
    does not know, an order whose lines disagree on customer or day, a currency without
    rates, or no rate on or before the order day. -#}
{%- set reporting = sql_string(reporting_currency()) -%}
{%- set has_customer_file = raw_input_path('customers') is not none -%}

with

lines as (

    select * from {{ ref('stg_shop__transactions') }}

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

-- the rate of each (currency, day) that occurs, found on the few distinct pairs rather
-- than on every line: the latest rate on or before the order day
currency_days as (

    select distinct
        currency,
        ordered_date
    from lines
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

-- lines of one order must agree on who ordered and when
conflicting_orders as (

    select order_id
    from lines
    group by order_id
    having
        min(customer_id) != max(customer_id)
        or min(ordered_date) != max(ordered_date)

),

joined as (

    select
        lines.*,
        case
            when lines.currency = {{ reporting }} then cast(1 as decimal(18, 8))
            else day_rates.rate
        end as exchange_rate,
        coalesce(customers.is_test_account, false) as is_test_account,
        customers.customer_id is not null as is_known_customer,
        lines.currency = {{ reporting }} or rated_currencies.currency is not null as is_rated_currency,
        conflicting_orders.order_id is not null as is_conflicting_order
    from lines
    left join customers
        on lines.customer_id = customers.customer_id
    left join rated_currencies
        on lines.currency = rated_currencies.currency
    left join day_rates
        on
            lines.currency = day_rates.currency
            and lines.ordered_date = day_rates.ordered_date
    left join conflicting_orders
        on lines.order_id = conflicting_orders.order_id

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
            when not is_rated_currency then 'unknown_currency'
            when exchange_rate is null then 'no_exchange_rate'
        end as rejection_reason,

        -- numerics
        line_number,
        quantity,
        amount,
        exchange_rate,
        cast(round(amount * exchange_rate, 2) as decimal(18, 2)) as amount_reporting,

        -- dates
        ordered_date,

        -- timestamps
        ordered_at

    from joined

)

select * from final
