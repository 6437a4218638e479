-- Each scored customer has exactly one segment; unscored customers and customers who objected
-- to profiling have none.

with

rfm as (

    select * from {{ ref('customer_rfm') }}

),

objectors as (

    {{ profiling_objector_ids(ref('int_customer_rights')) }}

),

segment_counts as (

    select
        customer_id,
        count(*) as segments
    from {{ ref('customer_segments') }}
    group by customer_id

)

select
    rfm.customer_id,
    rfm.is_scored,
    coalesce(segment_counts.segments, 0) as segments
from rfm
left join segment_counts
    on rfm.customer_id = segment_counts.customer_id
left join objectors
    on rfm.customer_id = objectors.customer_id
where
    (rfm.is_scored and objectors.customer_id is null and coalesce(segment_counts.segments, 0) != 1)
    or ((not rfm.is_scored or objectors.customer_id is not null) and segment_counts.segments is not null)
