{#- Per customer, on the latest as-of date in customer_history: the current segment, the
    segment before it and the date it changed (null when it never has), and since when
    the customer has been in the current segment. Changes are seen between consecutive
    as-of dates of the history; a customer without a segment is '(not scored)'. -#}

with

history as (

    select
        customer_id,
        as_of_date,
        coalesce(segment, '(not scored)') as segment
    from {{ ref('customer_history') }}

),

marked as (

    select
        customer_id,
        as_of_date,
        segment,
        lag(segment) over (partition by customer_id order by as_of_date) as segment_before
    from history

),

changes as (

    -- the first row of a customer, and every row whose segment differs from the one before
    select
        customer_id,
        as_of_date,
        segment,
        segment_before,
        row_number() over (partition by customer_id order by as_of_date desc) as recency_rank
    from marked
    where segment_before is null or segment != segment_before

),

latest_date as (

    select max(as_of_date) as as_of_date from history

),

latest as (

    select
        marked.customer_id,
        marked.segment,
        marked.as_of_date
    from marked
    inner join latest_date
        on marked.as_of_date = latest_date.as_of_date

)

select
    -- ids
    latest.customer_id,

    -- strings
    latest.segment,
    changes.segment_before as previous_segment,

    -- dates
    changes.as_of_date as segment_since,
    case when changes.segment_before is not null then changes.as_of_date end as last_changed_date,
    latest.as_of_date

from latest
inner join changes
    on
        latest.customer_id = changes.customer_id
        and changes.recency_rank = 1
