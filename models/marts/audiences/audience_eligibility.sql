{#- Every candidate of every audience (audience_candidates) with its control-group
    assignment and each global suppression that applies, one row per candidate and reason
    (reason null: nothing suppresses the candidate but, maybe, the control group).
    Reasons: no_channel_consent (int_customer_consents), objected_to_profiling
    (int_customer_rights), test_account, requires_prepayment (audiences
    with excludes_prepayment), contact_fatigue (an e-mail sent within
    audience_fatigue_days days up to the as-of date). Erasure needs no reason here: an
    erased customer's rows never get past the base models (macro not_erased).
    Control group: a salted hash of the customer id below var audience_holdout_share (the
    global holdout, the same customers in every audience), or a salted hash of the audience
    and the id below the audience's control_share. It depends on WAREHOUSE_HASH_SALT, the
    id and the audience only: the same on every night, rerun and backfill. -#}
{%- set fatigue_days = audience_fatigue_days() -%}

with

candidates as (

    select * from {{ ref('audience_candidates') }}

),

consents as (

    select * from {{ ref('int_customer_consents') }}
    where has_consent

),

rights as (

    select * from {{ ref('int_customer_rights') }}

),

test_accounts as (

    {{ test_account_ids(ref('base_crm__customers')) }}

),

scores as (

    select
        customer_id,
        requires_prepayment
    from {{ ref('customer_scores') }}

),

contacted as (

    {% if fatigue_days > 0 -%}
        select distinct customer_id
        from {{ ref('stg_email__email_events') }}
        where
            event_type = 'sent'
            and event_date <= {{ as_of_date() }}
            and event_date > {{ dbt.dateadd('day', -fatigue_days, as_of_date()) }}
    {%- else -%}
        select cast(null as {{ dbt.type_string() }}) as customer_id
        where 1 = 0
    {%- endif %}

),

reasons as (

    select
        candidates.audience,
        candidates.customer_id,
        'no_channel_consent' as reason
    from candidates
    left join consents
        on candidates.customer_id = consents.customer_id and candidates.channel = consents.channel
    where consents.customer_id is null
    union all
    select
        candidates.audience,
        candidates.customer_id,
        'objected_to_profiling' as reason
    from candidates
    inner join rights
        on candidates.customer_id = rights.customer_id
    where rights.has_objected_to_profiling
    union all
    select
        candidates.audience,
        candidates.customer_id,
        'test_account' as reason
    from candidates
    inner join test_accounts
        on candidates.customer_id = test_accounts.customer_id
    union all
    select
        candidates.audience,
        candidates.customer_id,
        'requires_prepayment' as reason
    from candidates
    inner join scores
        on candidates.customer_id = scores.customer_id
    where candidates.excludes_prepayment and scores.requires_prepayment
    union all
    select
        candidates.audience,
        candidates.customer_id,
        'contact_fatigue' as reason
    from candidates
    inner join contacted
        on candidates.customer_id = contacted.customer_id

),

assigned as (

    select
        *,
        {{ salted_hash_fraction('cast(customer_id as ' ~ dbt.type_string() ~ ')') }} as holdout_draw,
        {{ salted_hash_fraction("audience || '|' || cast(customer_id as " ~ dbt.type_string() ~ ")") }}
            as control_draw
    from candidates

),

final as (

    select
        -- ids
        assigned.customer_id,

        -- strings
        assigned.audience,
        assigned.purpose,
        assigned.channel,
        assigned.rules_met,
        assigned.rule_values,
        reasons.reason,

        -- numerics
        assigned.holdout_draw,
        assigned.control_draw,

        -- booleans
        assigned.holdout_draw < {{ audience_holdout_share() }}
        or assigned.control_draw < assigned.control_share as is_control

    from assigned
    left join reasons
        on assigned.audience = reasons.audience and assigned.customer_id = reasons.customer_id

)

select * from final
