-- Net revenue of the qualifying orders in the scoring window (fct_orders) equals the sum
-- of monetary over scored customers (customer_rfm) and over segments (segment_summary):
-- no order is lost or counted twice between the layers. Customers who objected to profiling
-- have no segment: segment_summary holds the revenue of the others.

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

objectors as (

    select coalesce(sum(rfm.monetary), 0) as revenue
    from {{ ref('customer_rfm') }} as rfm
    where
        rfm.is_scored
        and rfm.customer_id in ({{ profiling_objector_ids(ref('int_customer_rights')) }})

),

segments as (

    select coalesce(sum(revenue), 0) as revenue
    from {{ ref('segment_summary') }}

)

select
    orders.revenue as orders_revenue,
    customers.revenue as customers_revenue,
    segments.revenue as segments_revenue,
    objectors.revenue as objectors_revenue
from orders
cross join customers
cross join segments
cross join objectors
where orders.revenue != customers.revenue or customers.revenue - objectors.revenue != segments.revenue
