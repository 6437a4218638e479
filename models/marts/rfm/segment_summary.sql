{#- One row per segment of the chosen map, empty segments included, for BI. -#}
{%- set segment_map = segment_map_name() %}
-- depends_on: {{ ref('rfm_segment_map') }}

with

segments as (

    select * from {{ ref('rfm_segments') }}
    where segment_map = {{ segment_map }}

),

customer_segments as (

    select * from {{ ref('customer_segments') }}

),

rfm as (

    select * from {{ ref('customer_rfm') }}
    where is_scored

),

per_segment as (

    select
        customer_segments.segment,
        count(*) as customers,
        sum(rfm.monetary) as revenue,
        avg(cast(rfm.r_score as {{ dbt.type_float() }})) as avg_r_score,
        avg(cast(rfm.f_score as {{ dbt.type_float() }})) as avg_f_score,
        avg(cast(rfm.m_score as {{ dbt.type_float() }})) as avg_m_score,
        avg(rfm.rfm_score) as avg_rfm_score
    from customer_segments
    inner join rfm
        on customer_segments.customer_id = rfm.customer_id
    group by customer_segments.segment

),

totals as (

    select
        count(*) as customers,
        sum(monetary) as revenue,
        max(as_of_date) as as_of_date
    from rfm

),

final as (

    select
        -- ids
        segments.segment_map,
        segments.segment,

        -- strings
        segments.description as segment_description,
        segments.recommended_action,
        segments.campaign_use,

        -- numerics
        segments.value_rank as segment_value_rank,
        cast(coalesce(per_segment.customers, 0) as bigint) as customers,
        cast(coalesce(per_segment.customers, 0) * 1.0 / nullif(totals.customers, 0) as decimal(7, 4))
            as share_of_customers,
        cast(coalesce(per_segment.revenue, 0) as decimal(18, 2)) as revenue,
        cast(coalesce(per_segment.revenue, 0) / nullif(totals.revenue, 0) as decimal(7, 4))
            as share_of_revenue,
        cast(per_segment.avg_r_score as decimal(5, 2)) as avg_r_score,
        cast(per_segment.avg_f_score as decimal(5, 2)) as avg_f_score,
        cast(per_segment.avg_m_score as decimal(5, 2)) as avg_m_score,
        cast(per_segment.avg_rfm_score as decimal(5, 2)) as avg_rfm_score,

        -- dates
        {{ as_of_date() }} as as_of_date

    from segments
    cross join totals
    left join per_segment
        on segments.segment = per_segment.segment

)

select * from final
