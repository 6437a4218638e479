{#- The segment transition matrix between each as-of date in customer_history and the one
    before it: from_segment -> to_segment, customers, revenue (macro segment_transitions).
    For any two dates, see analyses/segment_transition_matrix.sql. -#}

{{ segment_transitions(
    "select from_date, to_date from (
        select
            lag(as_of_date) over (order by as_of_date) as from_date,
            as_of_date as to_date
        from (select distinct as_of_date from " ~ ref('customer_history') ~ ") as dates
    ) as consecutive
    where from_date is not null"
) }}
