{#- One row per lead activity known by the as-of date, with its points before decay (seed
    lead_engagement_points; an activity not listed there gets 0):
    - page views of the lead's web visitor, stitched: a visitor's anonymous page views
      (stg_web__visitor_page_views) belong to the lead its earliest identification names
      (a form fill carrying the visitor id and the lead id), those before the form fill
      included; they are known from the day of the identification (known_date), so a
      score as of an earlier day does not see them;
    - e-mail and content interactions (stg_marketing__lead_interactions);
    - the form fills themselves (activity_type form_fill).
    activity_date is the day it happened (decay counts from it); known_date the first day a
    score may count it. Nothing after the as-of date. -#}

with

leads as (

    select * from {{ ref('stg_marketing__leads') }}

),

identifications as (

    select * from {{ ref('stg_marketing__lead_identifications') }}
    where identified_date <= {{ as_of_date() }}

),

page_views as (

    select * from {{ ref('stg_web__visitor_page_views') }}
    where event_date <= {{ as_of_date() }}

),

interactions as (

    select * from {{ ref('stg_marketing__lead_interactions') }}
    where occurred_date <= {{ as_of_date() }}

),

points as (

    select * from {{ ref('lead_engagement_points') }}

),

-- each visitor belongs to the lead of its earliest identification (ties: first in the file)
visitor_leads as (

    select
        visitor_id,
        lead_id,
        identified_date
    from (
        select
            visitor_id,
            lead_id,
            identified_date,
            row_number() over (
                partition by visitor_id order by identified_at, source_row_number
            ) as identification_rank
        from identifications
    ) as ranked
    where identification_rank = 1

),

stitched_page_views as (

    select
        'web.web_events' as source_name,
        page_views.source_row_number,
        visitor_leads.lead_id,
        'page_view' as activity_type,
        page_views.page_type as activity,
        page_views.event_date as activity_date,
        case
            when page_views.event_date > visitor_leads.identified_date then page_views.event_date
            else visitor_leads.identified_date
        end as known_date
    from page_views
    inner join visitor_leads
        on page_views.visitor_id = visitor_leads.visitor_id

),

lead_interactions as (

    select
        'marketing.lead_interactions' as source_name,
        source_row_number,
        lead_id,
        'interaction' as activity_type,
        interaction_type as activity,
        occurred_date as activity_date,
        occurred_date as known_date
    from interactions

),

form_fills as (

    select
        'marketing.lead_identifications' as source_name,
        source_row_number,
        lead_id,
        'form_fill' as activity_type,
        'form_fill' as activity,
        identified_date as activity_date,
        identified_date as known_date
    from identifications

),

activities as (

    select * from stitched_page_views
    union all
    select * from lead_interactions
    union all
    select * from form_fills

),

final as (

    select
        -- ids
        activities.source_name || ':' || cast(activities.source_row_number as {{ dbt.type_string() }})
            as activity_id,
        activities.lead_id,
        activities.source_name,
        activities.source_row_number,

        -- strings
        activities.activity_type,
        activities.activity,

        -- numerics
        coalesce(points.points, 0) as points,

        -- dates
        activities.activity_date,
        activities.known_date

    from activities
    inner join leads
        on activities.lead_id = leads.lead_id
    left join points
        on
            activities.activity_type = points.activity_type
            and activities.activity = points.activity

)

select * from final
