{#- One row per as-of date, audience and member: the customers who meet the audience's
    rules and no global suppression (consent, objection, erasure, test account, prepayment,
    fatigue), with is_control for those held out as its control group, why they qualify
    (rules_met, rule_values) and the scores the summary's expectations come from.
    Kept per as-of date like customer_history: a run replaces its own date only (reruns
    and backfills give the same rows); --full-refresh leaves it alone. -#}
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

eligible as (

    select * from {{ ref('audience_eligibility') }}
    where reason is null

),

scores as (

    select * from {{ ref('customer_scores') }}

),

final as (

    select
        -- ids
        eligible.customer_id,

        -- strings
        eligible.audience,
        eligible.purpose,
        eligible.channel,
        eligible.rules_met,
        eligible.rule_values,

        -- numerics
        scores.purchase_probability,
        cast(
            coalesce(
                scores.expected_order_value,
                scores.monetary / nullif(scores.frequency, 0)
            ) as decimal(18, 2)
        ) as expected_order_value,

        -- booleans
        eligible.is_control,

        -- dates
        {{ as_of_date() }} as as_of_date

    from eligible
    left join scores
        on eligible.customer_id = scores.customer_id

)

select * from final
