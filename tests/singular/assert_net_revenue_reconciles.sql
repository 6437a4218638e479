-- Net revenue of the qualifying orders in the scoring window (fct_orders) equals the sum
-- of monetary over scored customers (customer_rfm) and over segments (segment_summary):
-- no order is lost or counted twice between the layers.

with

orders as (

    select coalesce(sum(net_amount), 0) as revenue
    from {{ ref('fct_orders') }}
    where is_qualifying and {{ in_scoring_window('ordered_date') }}

),

customers as (

    select coalesce(sum(monetary), 0) as revenue
    from {{ ref('customer_rfm') }}
    where is_scored

),

segments as (

    select coalesce(sum(revenue), 0) as revenue
    from {{ ref('segment_summary') }}

)

select
    orders.revenue as orders_revenue,
    customers.revenue as customers_revenue,
    segments.revenue as segments_revenue
from orders
cross join customers
cross join segments
where orders.revenue != customers.revenue or customers.revenue != segments.revenue
