{% macro segment_moves(history, pairs) %}
    {#- The last CTEs and the final select of a segment transition matrix, shared by the
        model segment_transitions (each as-of date against the one before) and the analysis
        segment_transition_matrix (any two dates). The caller defines two CTEs and passes
        their names: `history` (customer_id, as_of_date, segment, monetary) and `pairs`
        (from_date, to_date). Returns one row per pair, from_segment and to_segment with
        the customers who made that move and their revenue on both dates. A customer absent
        on from_date comes from '(new)'; one absent on to_date goes to '(gone)'. -#}
arrived as (

    select
        date_pairs.from_date,
        date_pairs.to_date,
        coalesce(history_from.segment, '(new)') as from_segment,
        history_to.segment as to_segment,
        history_from.monetary as revenue_from,
        history_to.monetary as revenue_to
    from {{ pairs }} as date_pairs
    inner join {{ history }} as history_to
        on date_pairs.to_date = history_to.as_of_date
    left join {{ history }} as history_from
        on
            date_pairs.from_date = history_from.as_of_date
            and history_to.customer_id = history_from.customer_id

),

gone as (

    select
        date_pairs.from_date,
        date_pairs.to_date,
        history_from.segment as from_segment,
        '(gone)' as to_segment,
        history_from.monetary as revenue_from,
        cast(null as decimal(18, 2)) as revenue_to
    from {{ pairs }} as date_pairs
    inner join {{ history }} as history_from
        on date_pairs.from_date = history_from.as_of_date
    left join {{ history }} as history_to
        on
            date_pairs.to_date = history_to.as_of_date
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
{%- endmacro %}
