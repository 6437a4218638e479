{#- The RFM scores, segment and value tier each customer had when a campaign started: as
    of the day before its start date (launch_as_of_date), from the qualifying orders up to
    that day, so no order of the campaign's own post-period shapes the segment that
    measures it (no look-ahead). The same rules as customer_rfm and customer_segments: the
    scores from the macro rfm_scored (as int_customers_rfm_scored: tie_safe_ntile quintiles
    among all customers with a qualifying order then, within scoring_window_days when set,
    rfm_weights), one ranking per campaign; the segment map and seeds/value_tiers.csv.
    Customers who objected to profiling are ranked but get no row (customer_segments gives
    them no segment either). Campaigns that start after the
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
        campaign_id as reference_key,
        cast({{ dbt.dateadd('day', -1, 'start_date') }} as date) as reference_date,
        {% if window_start -%}
            cast({{ dbt.dateadd('day', -(var('scoring_window_days') | int), 'start_date') }} as date)
        {%- else -%}
            cast(null as date)
        {%- endif %} as window_start_date
    from campaigns

),

scored as (

    {{ rfm_scored('orders', 'launches') }}

),

final as (

    select
        -- ids
        scored.reference_key as campaign_id,
        scored.customer_id,

        -- strings
        segment_map.segment,
        tiers.value_tier,

        -- numerics
        cast(scored.recency_days as integer) as recency_days,
        cast(scored.frequency as integer) as frequency,
        cast(scored.monetary as decimal(18, 2)) as monetary,
        scored.r_score,
        scored.f_score,
        scored.m_score,
        scored.rfm_score,

        -- dates
        scored.reference_date as launch_as_of_date

    from scored
    inner join segment_map
        on
            scored.r_score = segment_map.r_score
            and scored.f_score = segment_map.f_score
            and scored.m_score = segment_map.m_score
    left join tiers
        on
            scored.rfm_score >= tiers.min_rfm_score
            and (tiers.next_min_rfm_score is null or scored.rfm_score < tiers.next_min_rfm_score)
    -- ranked among everyone, as customer_rfm; no segment for who objected to profiling
    where scored.customer_id not in ({{ profiling_objector_ids(ref('int_customer_rights')) }})

)

select * from final
