{#- Every customer (dim_customers) known on each score date (int_score_dates): one row per
    date role, reference date and customer - the population of the behaviour scores. -#}
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
        on customers.customer_since_date <= dates.reference_date

)

select * from final
