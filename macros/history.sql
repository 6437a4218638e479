{% macro segment_transitions(pairs) %}
    {#- The segment transition matrix for each (from_date, to_date) that the query `pairs`
        returns, read from customer_history: one row per from_segment and to_segment with
        the customers who made that move and their revenue (net spend in the scoring
        window) on both dates. A customer absent on from_date comes from '(new)'; one absent
        on to_date goes to '(gone)'; a customer without a segment is '(not scored)'. -#}
    with

    history as (

        select
            customer_id,
            as_of_date,
            coalesce(segment, '(not scored)') as segment,
            monetary
        from {{ ref('customer_history') }}

    ),

    pairs as (

        {{ pairs }}

    ),

    arrived as (

        select
            pairs.from_date,
            pairs.to_date,
            coalesce(before.segment, '(new)') as from_segment,
            after.segment as to_segment,
            before.monetary as revenue_from,
            after.monetary as revenue_to
        from pairs
        inner join history as after
            on pairs.to_date = after.as_of_date
        left join history as before
            on
                pairs.from_date = before.as_of_date
                and after.customer_id = before.customer_id

    ),

    gone as (

        select
            pairs.from_date,
            pairs.to_date,
            before.segment as from_segment,
            '(gone)' as to_segment,
            before.monetary as revenue_from,
            cast(null as decimal(18, 2)) as revenue_to
        from pairs
        inner join history as before
            on pairs.from_date = before.as_of_date
        left join history as after
            on
                pairs.to_date = after.as_of_date
                and before.customer_id = after.customer_id
        where after.customer_id is null

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
