{#- The one home of marketing consent: one row per customer and channel (email, sms,
    phone, post) with the state as of the as-of date. The latest event wins among:
    - the customers file's email_opt_in (e-mail consent given or refused at sign-up),
    - the consent events file (grants and withdrawals on any channel),
    - e-mail unsubscribes (an unsubscribe withdraws e-mail consent).
    At equal times a withdrawal wins. No row: no consent on that channel. -#}

with

signup as (

    select
        customer_id,
        'email' as channel,
        case when has_email_opt_in then 'granted' else 'withdrawn' end as consent_status,
        'customers_file' as consent_source,
        -- a sign-up without a date comes before any later event
        coalesce(signed_up_at, cast('1900-01-01' as {{ dbt.type_timestamp() }})) as event_at
    from {{ ref('base_crm__customers') }}
    where rejection_reason is null

),

consent_events as (

    select
        customer_id,
        channel,
        consent_status,
        consent_source,
        event_at
    from {{ ref('stg_privacy__consent_events') }}

),

unsubscribes as (

    select
        customer_id,
        'email' as channel,
        'withdrawn' as consent_status,
        'email_unsubscribe' as consent_source,
        event_at
    from {{ ref('stg_email__email_events') }}
    where event_type = 'unsubscribed'

),

unioned as (

    select * from signup
    union all
    select * from consent_events
    union all
    select * from unsubscribes

),

ranked as (

    select
        *,
        row_number() over (
            partition by customer_id, channel
            order by event_at desc, case when consent_status = 'withdrawn' then 0 else 1 end asc, consent_source asc
        ) as recency_rank
    from unioned
    where cast(event_at as date) <= {{ as_of_date() }}

),

final as (

    select
        -- ids
        customer_id,

        -- strings
        channel,
        consent_status,
        consent_source,

        -- booleans
        consent_status = 'granted' as has_consent,

        -- timestamps
        event_at as consent_changed_at

    from ranked
    where recency_rank = 1

)

select * from final
