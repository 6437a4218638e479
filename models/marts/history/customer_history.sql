{#- One row per customer and as-of date: the segment and the scores of each run, kept.
    Partitioned by as_of_date: a run replaces the rows of its own as-of date and leaves
    every other date alone, so rerunning a date gives the same rows and a backfill can
    fill past dates in any order. (Why not dbt snapshots: they stamp rows with the time
    of the run, not the as-of date, so a past date can neither be backfilled nor rerun.)
    A --full-refresh rebuilds the facts but leaves the history alone (full_refresh=false):
    to start it again, drop the table. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=incremental_strategy('delete+insert'),
    partition_by=incremental_partition_by('as_of_date'),
    unique_key='as_of_date',
    full_refresh=false,
    on_schema_change='append_new_columns',
    post_hook="{{ purge_erased_customers(ref('base_privacy__rights_requests')) }}",
) }}

select
    -- ids
    customer_id,

    -- strings
    customer_type,
    rfm_status,
    segment,
    rfm_code,
    value_tier,
    churn_risk_band,

    -- numerics
    recency_days,
    frequency,
    monetary,
    rfm_score,
    engagement_score,
    purchase_score,
    purchase_probability,
    satisfaction_score,
    reactivation_score,
    churn_probability,
    clv,
    payment_risk_score,

    -- booleans
    is_inactive,
    requires_prepayment,

    -- dates
    as_of_date

from {{ ref('customer_scores') }}
