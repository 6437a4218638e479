-- The transition matrix agrees with the history it summarises, for every pair of
-- consecutive as-of dates: the customers arriving in each segment add up to the customers
-- the history holds in it on the later date, those leaving each segment to the customers
-- it held on the earlier date, and the moves into the latest date are the customers whose
-- segment changed on that date in customer_segment_changes.

with

history as (

    select
        as_of_date,
        coalesce(segment, '(not scored)') as segment,
        count(*) as customers
    from {{ ref('customer_history') }}
    group by as_of_date, coalesce(segment, '(not scored)')

),

bounds as (

    select
        min(as_of_date) as first_date,
        max(as_of_date) as last_date
    from history

),

flows as (

    -- the customers each segment receives on a date, and those it sends on from a date
    select
        'arriving' as side,
        to_date as as_of_date,
        to_segment as segment,
        sum(customers) as customers
    from {{ ref('segment_transitions') }}
    where to_segment != '(gone)'
    group by to_date, to_segment

    union all

    select
        'leaving' as side,
        from_date as as_of_date,
        from_segment as segment,
        sum(customers) as customers
    from {{ ref('segment_transitions') }}
    where from_segment != '(new)'
    group by from_date, from_segment

),

expected as (

    -- every date but the first receives its customers; every date but the last sends them
    select
        'arriving' as side,
        history.as_of_date,
        history.segment,
        history.customers
    from history
    inner join bounds
        on history.as_of_date > bounds.first_date

    union all

    select
        'leaving' as side,
        history.as_of_date,
        history.segment,
        history.customers
    from history
    inner join bounds
        on history.as_of_date < bounds.last_date

),

latest_moves as (

    select coalesce(sum(transitions.customers), 0) as customers
    from {{ ref('segment_transitions') }} as transitions
    inner join bounds
        on transitions.to_date = bounds.last_date
    where
        transitions.is_move
        and transitions.from_segment != '(new)'
        and transitions.to_segment != '(gone)'

),

latest_changes as (

    select count(*) as customers
    from {{ ref('customer_segment_changes') }}
    where last_changed_date = as_of_date

),

mismatches as (

    select
        expected.side,
        expected.as_of_date,
        expected.segment
    from expected
    left join flows
        on
            expected.side = flows.side
            and expected.as_of_date = flows.as_of_date
            and expected.segment = flows.segment
    where coalesce(flows.customers, 0) != expected.customers

    union all

    select
        'latest moves' as side,
        bounds.last_date as as_of_date,
        cast(null as {{ dbt.type_string() }}) as segment
    from bounds
    cross join latest_moves
    cross join latest_changes
    where bounds.first_date < bounds.last_date and latest_moves.customers != latest_changes.customers

)

select * from mismatches
