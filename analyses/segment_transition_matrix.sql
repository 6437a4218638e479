{#- The segment transition matrix between any two as-of dates in customer_history, by
    default the last two:
    dbt show --select segment_transition_matrix --limit 500 \
        --vars '{transition_from: 2026-11-01, transition_to: 2026-11-24}'
    The query of models/marts/history/segment_transitions.sql (which pairs each as-of
    date with the one before it) for one chosen pair of dates. -#}
{%- set history_relation = ref('customer_history') -%}
{%- set latest = "(select max(as_of_date) from " ~ history_relation ~ ")" -%}
{%- if var('transition_to', none) is none -%}
    {%- set to_date = latest -%}
{%- else -%}
    {%- set to_date = "cast('" ~ iso_date(var('transition_to'), 'transition_to') ~ "' as date)" -%}
{%- endif -%}
{%- if var('transition_from', none) is none -%}
    {%- set from_date = "(select max(as_of_date) from " ~ history_relation
        ~ " where as_of_date < " ~ to_date ~ ")" -%}
{%- else -%}
    {%- set from_date = "cast('" ~ iso_date(var('transition_from'), 'transition_from') ~ "' as date)" -%}
{%- endif -%}

with

history as (

    select
        customer_id,
        as_of_date,
        coalesce(segment, '(not scored)') as segment,
        monetary
    from {{ history_relation }}

),

pairs as (

    select
        {{ from_date }} as from_date,
        {{ to_date }} as to_date

),

{{ segment_moves('history', 'pairs') }}

order by from_segment, to_segment
