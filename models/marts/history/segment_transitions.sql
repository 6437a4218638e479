{#- The segment transition matrix between each as-of date in customer_history and the one
    before it: one row per from_segment and to_segment with the customers who made that
    move and their revenue (net spend in the scoring window) on both dates. A customer
    absent on from_date comes from '(new)'; one absent on to_date goes to '(gone)'; a
    customer without a segment is '(not scored)'. For any two dates, see
    analyses/segment_transition_matrix.sql (the same query with other date pairs). -#}

with

history as (

    select
        customer_id,
        as_of_date,
        coalesce(segment, '(not scored)') as segment,
        monetary
    from {{ ref('customer_history') }}

),

as_of_dates as (

    select distinct as_of_date from history

),

consecutive as (

    select
        lag(as_of_date) over (order by as_of_date) as from_date,
        as_of_date as to_date
    from as_of_dates

),

pairs as (

    select
        from_date,
        to_date
    from consecutive
    where from_date is not null

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
