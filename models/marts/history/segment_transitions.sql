{#- The segment transition matrix between each as-of date in customer_history and the one
    before it: one row per from_segment and to_segment with the customers who made that
    move and their revenue (net spend in the scoring window) on both dates. A customer
    absent on from_date comes from '(new)'; one absent on to_date goes to '(gone)'; a
    customer without a segment is '(not scored)'. For any two dates, see
    analyses/segment_transition_matrix.sql (macro segment_moves: the same query on other date pairs). -#}

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

{{ segment_moves('history', 'pairs') }}
