{#- One row per customer as of the as-of date. Customers without a qualifying order in the
    scoring window get no scores (null), and rfm_status says why. -#}

with

customers as (

    select * from {{ ref('dim_customers') }}

),

scored as (

    select * from {{ ref('int_customers_rfm_scored') }}

),

buyers as (

    select distinct customer_id
    from {{ ref('int_orders_netted') }}
    where is_qualifying and ordered_date <= {{ as_of_date() }}

),

tiers as (

    select
        value_tier,
        tier_rank,
        min_rfm_score,
        lead(min_rfm_score) over (order by min_rfm_score) as next_min_rfm_score
    from {{ ref('value_tiers') }}

),

joined as (

    select
        customers.customer_id,
        case
            when scored.customer_id is not null then 'scored'
            when buyers.customer_id is not null then 'no_purchase_in_window'
            else 'no_purchase_yet'
        end as rfm_status,
        scored.rfm_code,
        scored.recency_days,
        scored.frequency,
        scored.monetary,
        scored.r_score,
        scored.f_score,
        scored.m_score,
        scored.rfm_score,
        scored.first_order_date,
        scored.last_order_date,
        customers.as_of_date
    from customers
    left join scored
        on customers.customer_id = scored.customer_id
    left join buyers
        on customers.customer_id = buyers.customer_id

),

final as (

    select
        -- ids
        joined.customer_id,

        -- strings
        joined.rfm_status,
        joined.rfm_code,
        tiers.value_tier,

        -- numerics
        joined.recency_days,
        joined.frequency,
        joined.monetary,
        joined.r_score,
        joined.f_score,
        joined.m_score,
        joined.rfm_score,
        tiers.tier_rank as value_tier_rank,

        -- booleans
        joined.rfm_status = 'scored' as is_scored,

        -- dates
        joined.first_order_date,
        joined.last_order_date,
        joined.as_of_date

    from joined
    left join tiers
        on
            joined.rfm_score >= tiers.min_rfm_score
            and (tiers.next_min_rfm_score is null or joined.rfm_score < tiers.next_min_rfm_score)

)

select * from final
