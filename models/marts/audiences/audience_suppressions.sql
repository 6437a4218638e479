{#- One row per as-of date, audience, customer and reason: every customer who meets an
    audience's rules but is kept out of its activation, and why. A customer can have
    several reasons; control_group is given only to customers no other reason suppresses
    (they are members with is_control, held out to measure the campaign). Kept per as-of
    date like audience_members. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=incremental_strategy('delete+insert'),
    partition_by=incremental_partition_by('as_of_date'),
    unique_key='as_of_date',
    full_refresh=false,
    on_schema_change='append_new_columns',
    post_hook="{{ purge_erased_customers(ref('base_privacy__rights_requests')) }}",
) }}

with

eligibility as (

    select * from {{ ref('audience_eligibility') }}

),

suppressed as (

    select
        audience,
        channel,
        customer_id,
        reason
    from eligibility
    where reason is not null
    union all
    select
        audience,
        channel,
        customer_id,
        'control_group' as reason
    from eligibility
    where reason is null and is_control

),

final as (

    select
        -- ids
        customer_id,

        -- strings
        audience,
        channel,
        reason,

        -- dates
        {{ as_of_date() }} as as_of_date

    from suppressed

)

select * from final
