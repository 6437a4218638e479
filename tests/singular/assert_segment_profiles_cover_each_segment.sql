-- Every single-valued attribute of segment_profiles splits each segment exactly: its values'
-- customers add up to the segment's customers in customer_scores (interests may be several
-- per customer, so they are left out).

with

labelled as (

    select
        coalesce(
            segment,
            case when rfm_status = 'no_purchase_yet' then 'No purchase yet' else 'No purchase in window' end
        ) as segment_label
    from {{ ref('customer_scores') }}

),

segment_sizes as (

    select
        segment_label as segment,
        count(*) as customers
    from labelled
    group by segment_label

),

profiles as (

    select
        segment,
        profile_attribute,
        sum(customers) as customers,
        sum(share_of_segment) as share_sum
    from {{ ref('segment_profiles') }}
    where profile_attribute != 'interest'
    group by segment, profile_attribute

)

select
    profiles.*,
    segment_sizes.customers as segment_customers
from profiles
left join segment_sizes
    on profiles.segment = segment_sizes.segment
where
    segment_sizes.customers is null
    or profiles.customers != segment_sizes.customers
    or abs(profiles.share_sum - 1) > 0.001 * 13
