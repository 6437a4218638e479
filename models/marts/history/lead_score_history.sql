{#- One row per lead and as-of date: the lead score, grade and status of each run, kept
    (as customer_history: partitioned by as_of_date, a run replaces the rows of its own
    as-of date, a backfill can fill past dates in any order, full_refresh=false). -#}
{{ config(
    materialized='incremental',
    incremental_strategy=incremental_strategy('delete+insert'),
    partition_by=incremental_partition_by('as_of_date'),
    unique_key='as_of_date',
    full_refresh=false,
    on_schema_change='append_new_columns',
) }}

select
    -- ids
    lead_id,

    -- strings
    lead_status,
    not_scored_reason,
    lead_grade,
    top_fit_factor,
    top_engagement_factor,

    -- numerics
    fit_points,
    engagement_points,
    lookalike_bonus,
    lead_score,

    -- dates
    handed_off_date,
    as_of_date

from {{ ref('lead_scores') }}
