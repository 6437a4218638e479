{#- The RFM scores, segment and value tier each customer had when a campaign started: as
    of the day before its start date (launch_as_of_date), from the qualifying orders up to
    that day, so no order of the campaign's own post-period shapes the segment that
    measures it (no look-ahead). The same rules as customer_rfm and customer_segments
    (tie_safe_ntile quintiles among all customers with a qualifying order then, within
    scoring_window_days when set, rfm_weights, the segment map and seeds/value_tiers.csv),
    one ranking per campaign. Customers who objected to profiling are ranked but get no
    row (customer_segments gives them no segment either). Campaigns that start after the
    as-of date have none; those without assignments (the demo's newsletters) are ranked
    too, for a reader to see the segments of a send. One row per campaign and customer
    with a qualifying order before the start. -#}
{%- set window_start = scoring_window_start() -%}
{%- set segment_map = segment_map_name() -%}

with

campaigns as (

    select * from {{ ref('stg_campaigns__campaigns') }}
    where
        start_date <= {{ as_of_date() }}

),

orders as (

    select * from {{ ref('int_orders_netted') }}
    where is_qualifying

),

segment_map as (

    select * from {{ ref('rfm_segment_map') }}
    where segment_map = {{ segment_map }}

),

tiers as (

    select
        value_tier,
        min_rfm_score,
        lead(min_rfm_score) over (order by min_rfm_score) as next_min_rfm_score
    from {{ ref('value_tiers') }}

),

launches as (

    select
        campaign_id,
        start_date,
        cast({{ dbt.dateadd('day', -1, 'start_date') }} as date) as launch_as_of_date,
        {% if window_start -%}
            cast({{ dbt.dateadd('day', -(var('scoring_window_days') | int), 'start_date') }} as date)
        {%- else -%}
            cast(null as date)
        {%- endif %} as window_start_date
    from campaigns

),

measured as (

    select
        launches.campaign_id,
        orders.customer_id,
        launches.launch_as_of_date,
        max(orders.ordered_date) as last_order_date,
        count(distinct orders.order_id) as frequency,
        sum(orders.net_amount) as monetary
    from launches
    inner join orders
        on
            launches.start_date > orders.ordered_date
            and (launches.window_start_date is null or launches.window_start_date <= orders.ordered_date)
    group by launches.campaign_id, orders.customer_id, launches.launch_as_of_date

),

with_recency as (

    select
        *,
        {{ dbt.datediff('last_order_date', 'launch_as_of_date', 'day') }}
            as recency_days
    from measured

),

scored as (

    select
        *,
        {{ tie_safe_ntile('recency_days', 5, higher_is_better=false, partition_by='campaign_id') }} as r_score,
        {{ tie_safe_ntile('frequency', 5, partition_by='campaign_id') }} as f_score,
        {{ tie_safe_ntile('monetary', 5, partition_by='campaign_id') }} as m_score
    from with_recency

),

weighted as (

    select
        *,
        {{ weighted_score(rfm_criteria(), var('rfm_weights')) }} as rfm_score
    from scored

),

final as (

    select
        -- ids
        weighted.campaign_id,
        weighted.customer_id,

        -- strings
        segment_map.segment,
        tiers.value_tier,

        -- numerics
        cast(weighted.recency_days as integer) as recency_days,
        cast(weighted.frequency as integer) as frequency,
        cast(weighted.monetary as decimal(18, 2)) as monetary,
        weighted.r_score,
        weighted.f_score,
        weighted.m_score,
        weighted.rfm_score,

        -- dates
        weighted.launch_as_of_date

    from weighted
    inner join segment_map
        on
            weighted.r_score = segment_map.r_score
            and weighted.f_score = segment_map.f_score
            and weighted.m_score = segment_map.m_score
    left join tiers
        on
            weighted.rfm_score >= tiers.min_rfm_score
            and (tiers.next_min_rfm_score is null or weighted.rfm_score < tiers.next_min_rfm_score)
    -- ranked among everyone, as customer_rfm; no segment for who objected to profiling
    where weighted.customer_id not in ({{ profiling_objector_ids(ref('int_customer_rights')) }})

)

select * from final
