{#- One row per customer, day, interaction type and product category: everything a
    behaviour score counts, known on the as-of date. Interaction types:
    - web: session (distinct sessions), <page type>_view (product_view, category_view,
      blog_view, pricing_view, contact_view, demo_view, home_view, cart_view, other_view),
      cart_add;
    - e-mail: email_sent, email_delivered, email_opened, email_clicked,
      email_unsubscribed, email_bounced;
    - feedback: nps_promoter, nps_passive, nps_detractor, csat, review (value_sum = the
      sum of scores or stars);
    - purchases: purchase (qualifying orders, value_sum = net amount) and
      category_purchase (orders with a completed line in the category).
    category is set for product views, cart adds, reviews and category purchases.

    Like the order fact it does not depend on the as-of date (every reader keeps
    activity_date <= its reference date) and is kept incrementally: each run recomputes
    the days of its look-back window (macros/incremental.sql). -#}
{{ config(
    materialized='incremental',
    incremental_strategy=incremental_strategy('replace_window'),
    incremental_predicates=[incremental_window_predicate('activity_date')],
    on_schema_change='fail',
    post_hook="{{ purge_erased_customers(ref('base_privacy__rights_requests')) }}",
) }}
{#- the first day this run recomputes (none: all of them) -#}
{%- set window_start = incremental_window_start('activity_date') if is_incremental() else none -%}

with

interactions as (

    select * from {{ ref('int_customer_interactions') }}
    where
        rejection_reason is null
        {% if window_start -%}
            and interaction_date >= {{ window_start }}
        {%- endif %}

),

products as (

    select * from {{ ref('stg_shop__products') }}

),

orders as (

    select * from {{ ref('int_orders_netted') }}
    where
        is_qualifying
        {% if window_start -%}
            and ordered_date >= {{ window_start }}
        {%- endif %}

),

order_lines as (

    select * from {{ ref('int_order_lines_converted') }}
    where
        rejection_reason is null
        and line_status = 'completed'
        {% if window_start -%}
            and ordered_date >= {{ window_start }}
        {%- endif %}

),

events as (

    select
        interactions.customer_id,
        interactions.interaction_date as activity_date,
        interactions.interaction_type,
        products.category,
        count(*) as interaction_count,
        sum(interactions.interaction_value) as value_sum
    from interactions
    left join products
        on interactions.product_id = products.product_id
    group by interactions.customer_id, interactions.interaction_date, interactions.interaction_type, products.category

),

sessions as (

    select
        customer_id,
        interaction_date as activity_date,
        'session' as interaction_type,
        cast(null as {{ dbt.type_string() }}) as category,
        count(distinct session_id) as interaction_count,
        cast(null as {{ dbt.type_numeric() }}) as value_sum
    from interactions
    where session_id is not null
    group by customer_id, interaction_date

),

purchases as (

    select
        customer_id,
        ordered_date as activity_date,
        'purchase' as interaction_type,
        cast(null as {{ dbt.type_string() }}) as category,
        count(*) as interaction_count,
        sum(net_amount) as value_sum
    from orders
    group by customer_id, ordered_date

),

category_purchases as (

    select
        order_lines.customer_id,
        order_lines.ordered_date as activity_date,
        'category_purchase' as interaction_type,
        products.category,
        count(distinct order_lines.order_id) as interaction_count,
        sum(order_lines.amount_reporting) as value_sum
    from order_lines
    inner join products
        on order_lines.product_id = products.product_id
    inner join orders
        on order_lines.order_id = orders.order_id
    group by order_lines.customer_id, order_lines.ordered_date, products.category

),

final as (

    select * from events
    union all
    select * from sessions
    union all
    select * from purchases
    union all
    select * from category_purchases

)

select
    -- ids
    customer_id,

    -- strings
    interaction_type,
    category,

    -- numerics
    cast(interaction_count as integer) as interaction_count,
    cast(value_sum as decimal(18, 2)) as value_sum,

    -- dates
    activity_date

from final
