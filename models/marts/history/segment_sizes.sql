{#- Segment sizes over time: customers, share of scored customers and revenue (net spend
    in the scoring window) per as-of date and segment, from customer_history. -#}

with

history as (

    select * from {{ ref('customer_history') }}
    where segment is not null

),

sizes as (

    select
        as_of_date,
        segment,
        count(*) as customers,
        sum(monetary) as revenue
    from history
    group by as_of_date, segment

)

select
    -- strings
    segment,

    -- numerics
    customers,
    cast(
        round(cast(customers as {{ dbt.type_numeric() }}) / sum(customers) over (partition by as_of_date), 4)
        as decimal(9, 4)
    ) as share_of_customers,
    cast(revenue as decimal(18, 2)) as revenue,

    -- dates
    as_of_date

from sizes
