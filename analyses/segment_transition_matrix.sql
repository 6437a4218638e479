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

arrived as (

    select
        pairs.from_date,
        pairs.to_date,
        coalesce(history_from.segment, '(new)') as from_segment,
        history_to.segment as to_segment,
        history_from.monetary as revenue_from,
        history_to.monetary as revenue_to
    from pairs
    inner join history as history_to
        on pairs.to_date = history_to.as_of_date
    left join history as history_from
        on
            pairs.from_date = history_from.as_of_date
            and history_to.customer_id = history_from.customer_id

),

gone as (

    select
        pairs.from_date,
        pairs.to_date,
        history_from.segment as from_segment,
        '(gone)' as to_segment,
        history_from.monetary as revenue_from,
        cast(null as decimal(18, 2)) as revenue_to
    from pairs
    inner join history as history_from
        on pairs.from_date = history_from.as_of_date
    left join history as history_to
        on
            pairs.to_date = history_to.as_of_date
            and history_from.customer_id = history_to.customer_id
    where history_to.customer_id is null

),

moves as (

    select * from arrived
    union all
    select * from gone

)

select
    -- strings
    from_segment,
    to_segment,

    -- numerics
    count(*) as customers,
    cast(coalesce(sum(revenue_from), 0) as decimal(18, 2)) as revenue_from,
    cast(coalesce(sum(revenue_to), 0) as decimal(18, 2)) as revenue_to,

    -- booleans
    from_segment != to_segment as is_move,

    -- dates
    from_date,
    to_date

from moves
group by from_date, to_date, from_segment, to_segment
order by from_segment, to_segment
