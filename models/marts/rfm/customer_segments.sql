{#- The segment of every scored customer, from the RFM cell and the chosen segment map;
    none for customers who objected to profiling. -#}
{%- set segment_map = segment_map_name() -%}

with

rfm as (

    select * from {{ ref('customer_rfm') }}
    where is_scored

),

segment_map as (

    select * from {{ ref('rfm_segment_map') }}
    where segment_map = {{ segment_map }}

),

segments as (

    select * from {{ ref('rfm_segments') }}
    where segment_map = {{ segment_map }}

),

final as (

    select
        -- ids
        rfm.customer_id,

        -- strings
        segment_map.segment_map,
        segment_map.segment,
        segments.description as segment_description,
        segments.recommended_action,
        segments.campaign_use,
        rfm.rfm_code,
        rfm.value_tier,

        -- numerics
        segments.value_rank as segment_value_rank,
        rfm.r_score,
        rfm.f_score,
        rfm.m_score,
        rfm.rfm_score,

        -- dates
        rfm.as_of_date

    from rfm
    inner join segment_map
        on
            rfm.r_score = segment_map.r_score
            and rfm.f_score = segment_map.f_score
            and rfm.m_score = segment_map.m_score
    left join segments
        on segment_map.segment = segments.segment
    -- no marketing segment for customers who objected to profiling (customer_scores says why)
    where rfm.customer_id not in ({{ profiling_objector_ids(ref('int_customer_rights')) }})

)

select * from final
