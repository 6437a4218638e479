{#- One row per campaign and assigned customer (treated or control: the assignments file,
    or, for a campaign without rows there, its audience's members in the audience snapshot
    of its start date, audience_members) with what the campaign
    results compare: the segment, value tier and RFM score at launch
    (int_campaign_launch_rfm; 'No order before start' for a customer without a qualifying
    order before the start date), and whether the customer converted (placed at least one
    qualifying order) in the pre-period (the campaign_pre_days days before the start date)
    and in the post-period (campaign_post_days days from the start date, cut at the as-of
    date), with the orders and net revenue of each period. Campaigns that start after the
    as-of date are left out; so are customers who objected to profiling (no segment may be
    computed for them). -#}
{%- set pre_days = campaign_setting('campaign_pre_days') -%}
{%- set post_days = campaign_setting('campaign_post_days') -%}

with

campaigns as (

    select * from {{ ref('stg_campaigns__campaigns') }}
    where start_date <= {{ as_of_date() }}

),

file_assignments as (

    select * from {{ ref('int_campaign_assignments') }}
    where rejection_reason is null

),

audience_members as (

    select * from {{ ref('audience_members') }}

),

-- the assignments file first; a campaign without rows there takes the members of its
-- audience in the audience snapshot of its start date (control flag included)
assignments as (

    select
        campaign_id,
        customer_id,
        is_control,
        'assignments_file' as assignment_source
    from file_assignments
    union all
    select
        campaigns.campaign_id,
        audience_members.customer_id,
        audience_members.is_control,
        'audience_snapshot' as assignment_source
    from campaigns
    inner join audience_members
        on
            campaigns.audience = audience_members.audience
            and campaigns.start_date = audience_members.as_of_date
    where campaigns.campaign_id not in (select file_assignments.campaign_id from file_assignments)

),

launch_rfm as (

    select * from {{ ref('int_campaign_launch_rfm') }}

),

orders as (

    select * from {{ ref('int_orders_netted') }}
    where is_qualifying and ordered_date <= {{ as_of_date() }}

),

periods as (

    select
        campaign_id,
        campaign_name,
        start_date,
        cast({{ dbt.dateadd('day', -pre_days, 'start_date') }} as date) as pre_period_start_date,
        cast({{ dbt.dateadd('day', post_days - 1, 'start_date') }} as date) as post_period_end_date
    from campaigns

),

assigned as (

    select
        assignments.campaign_id,
        assignments.customer_id,
        assignments.is_control,
        assignments.assignment_source,
        periods.campaign_name,
        periods.start_date,
        periods.pre_period_start_date,
        periods.post_period_end_date
    from assignments
    inner join periods
        on assignments.campaign_id = periods.campaign_id
    where assignments.customer_id not in ({{ profiling_objector_ids(ref('int_customer_rights')) }})

),

period_orders as (

    select
        assigned.campaign_id,
        assigned.customer_id,
        sum(case when orders.ordered_date < assigned.start_date then 1 else 0 end) as orders_before,
        sum(case when orders.ordered_date >= assigned.start_date then 1 else 0 end) as orders_after,
        sum(case when orders.ordered_date < assigned.start_date then orders.net_amount else 0 end)
            as revenue_before,
        sum(case when orders.ordered_date >= assigned.start_date then orders.net_amount else 0 end)
            as revenue_after
    from assigned
    inner join orders
        on
            assigned.customer_id = orders.customer_id
            and assigned.pre_period_start_date <= orders.ordered_date
            and assigned.post_period_end_date >= orders.ordered_date
    group by assigned.campaign_id, assigned.customer_id

),

final as (

    select
        -- ids
        assigned.campaign_id,
        assigned.customer_id,

        -- strings
        assigned.campaign_name,
        assigned.assignment_source,
        coalesce(launch_rfm.segment, 'No order before start') as segment,
        coalesce(launch_rfm.value_tier, 'No order before start') as value_tier,

        -- numerics
        launch_rfm.rfm_score,
        case when coalesce(period_orders.orders_before, 0) > 0 then 1 else 0 end as converted_before,
        case when coalesce(period_orders.orders_after, 0) > 0 then 1 else 0 end as converted_after,
        cast(coalesce(period_orders.orders_before, 0) as integer) as orders_before,
        cast(coalesce(period_orders.orders_after, 0) as integer) as orders_after,
        cast(coalesce(period_orders.revenue_before, 0) as decimal(18, 2)) as revenue_before,
        cast(coalesce(period_orders.revenue_after, 0) as decimal(18, 2)) as revenue_after,

        -- booleans
        assigned.is_control,
        assigned.post_period_end_date <= {{ as_of_date() }} as is_post_period_complete,

        -- dates
        assigned.start_date,
        assigned.pre_period_start_date,
        assigned.post_period_end_date

    from assigned
    left join launch_rfm
        on assigned.campaign_id = launch_rfm.campaign_id and assigned.customer_id = launch_rfm.customer_id
    left join period_orders
        on assigned.campaign_id = period_orders.campaign_id and assigned.customer_id = period_orders.customer_id

)

select * from final
