{#- Every customer (dim_customers) known on each score date (int_score_dates): one row per
    date role, reference date and customer - the population of the behaviour scores. A
    customer without any date (a customer file with only customer_id, no purchase) is
    scored as of the as-of date, as dim_customers lists them then; they are left out of
    the back-test, which cannot know whether they were customers on its date. Customers
    who objected to profiling are left out (int_customer_rights). -#}
{{ config(materialized='view') }}

with

customers as (

    select * from {{ ref('dim_customers') }}

),

dates as (

    select * from {{ ref('int_score_dates') }}

),

final as (

    select
        dates.date_role,
        dates.reference_date,
        customers.customer_id
    from customers
    inner join dates
        on
            customers.customer_since_date <= dates.reference_date
            or (customers.customer_since_date is null and dates.date_role = 'scoring')
    -- customers who objected to profiling are not scored (GDPR art. 21)
    where customers.customer_id not in ({{ profiling_objector_ids(ref('int_customer_rights')) }})

)

select * from final
