{#- The days on which a lead's score can rise, per lead with marketing consent created by
    the as-of date: its creation day, each day a new activity became known
    (int_lead_activities.known_date), the back-test's cutoff (as-of date -
    lead_conversion_horizon_days, for leads created by then) and the as-of date. Between
    two of them a score only falls (decay, inactivity penalty). -#}

with

leads as (

    select * from {{ ref('stg_marketing__leads') }}
    where has_marketing_consent and created_date <= {{ as_of_date() }}

),

activities as (

    select * from {{ ref('int_lead_activities') }}

),

score_dates as (

    select
        lead_id,
        created_date as score_date
    from leads
    union
    select
        activities.lead_id,
        activities.known_date as score_date
    from activities
    inner join leads
        on activities.lead_id = leads.lead_id
    union
    select
        lead_id,
        {{ as_of_date() }} as score_date
    from leads
    union
    select
        lead_id,
        cast({{ dbt.dateadd('day', -1 * lead_conversion_horizon_days(), as_of_date()) }} as date) as score_date
    from leads
    where created_date <= cast({{ dbt.dateadd('day', -1 * lead_conversion_horizon_days(), as_of_date()) }} as date)

),

final as (

    select
        -- ids
        lead_id,

        -- dates
        score_date

    from score_dates

)

select * from final
