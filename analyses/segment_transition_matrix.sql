{#- The segment transition matrix between any two as-of dates in customer_history, by
    default the last two:
    dbt show --select segment_transition_matrix --limit 500 \
        --vars '{transition_from: 2026-11-01, transition_to: 2026-11-24}' -#}
{%- set history = ref('customer_history') -%}
{%- set latest = "(select max(as_of_date) from " ~ history ~ ")" -%}
{%- if var('transition_to', none) is none -%}
    {%- set to_date = latest -%}
{%- else -%}
    {%- set to_date = "cast('" ~ iso_date(var('transition_to'), 'transition_to') ~ "' as date)" -%}
{%- endif -%}
{%- if var('transition_from', none) is none -%}
    {%- set from_date = "(select max(as_of_date) from " ~ history ~ " where as_of_date < " ~ to_date ~ ")" -%}
{%- else -%}
    {%- set from_date = "cast('" ~ iso_date(var('transition_from'), 'transition_from') ~ "' as date)" -%}
{%- endif -%}

{{ segment_transitions("select " ~ from_date ~ " as from_date, " ~ to_date ~ " as to_date") }}
order by from_segment, to_segment
