-- The engine floor: RFM values, quintile scores and segments in one hand-written DuckDB
-- query, straight from the raw demo files, with the warehouse's rules and nothing else:
-- no intermediate tables, no tests, no documentation columns. The benchmark runs it in
-- the same run as the warehouse and checks that it gives the marts' answer
-- (customer_rfm, customer_segments) for every customer.
--
-- Rules it reproduces (docs/inputs.md, docs/bring-your-own.md and docs/scores.md):
-- - a transaction row is rejected when its order or customer id is missing, its time or
--   amount unreadable, its amount not above 0 or above max_line_amount, its day after the
--   load date, its status unknown; exact copies count once;
-- - a line is set aside for a test account, a customer the customer file lacks, an order
--   whose lines disagree on customer or whose sale lines disagree on day, a return or
--   refund dated before its sale, an order refunded for more than it sold, a currency
--   without rates into the reporting currency, or no rate on or before the order day;
-- - a return or refund dated on its own later day belongs to its order, whose day is
--   that of its sale lines (completed or cancelled), else of its own lines;
-- - amounts convert at the latest rate on or before the order day, unrounded; each
--   order's net is rounded once, to cents;
-- - an order qualifies with a completed line and net (completed - returned - refunded)
--   above 0; orders after the as-of date do not count;
-- - quintiles by the mid-rank rule (macros/scoring.sql), segments from the seed map;
-- - customers with an erasure request (rights_requests file) are gone from every input.
-- Placeholders in braces are filled by customer_scoring/benchmark/baselines.py
-- (floor_query): quoted literals; the rows of each input (transaction_rows,
-- customer_rows, rate_rows: the demo's files, or for a bring-your-own orders file that
-- file alone, as the warehouse reads it: no customer file, no rates, every line a
-- completed sale); and customer_join, the join to the customer file (none without one).
-- (No placeholder in these comments: a filled-in one may span lines.)

with

raw_lines as (
    select distinct *  -- exact copies count once
    from {transaction_rows}
),

lines as (
    select
        nullif(trim(cast(order_id as varchar)), '') as order_id,
        nullif(trim(cast(customer_id as varchar)), '') as customer_id,
        coalesce(upper(nullif(trim(cast(currency as varchar)), '')), {reporting}) as currency,
        coalesce(lower(nullif(trim(cast(status as varchar)), '')), 'completed') as line_status,
        try_cast(amount as decimal(18, 4)) as amount,
        cast(ordered_at as timestamp) as ordered_at,
        cast(ordered_at as date) as ordered_date
    from raw_lines
),

erased as (
    {erased}
),

fit_lines as (
    select * from lines
    where
        customer_id not in (select customer_id from erased)
        and order_id is not null
        and customer_id is not null
        and ordered_at is not null
        and amount > 0
        and amount <= {max_line_amount}
        and ordered_date <= {load_date}
        and line_status in ('completed', 'cancelled', 'returned', 'refunded')
),

customers as (
    -- the first row of each id; test accounts by e-mail domain
    select
        customer_id,
        coalesce(split_part(lower(trim(email)), '@', 2) in {test_domains}, false) as is_test_account
    from (
        select
            nullif(trim(cast(customer_id as varchar)), '') as customer_id,
            email,
            row_number() over (partition by nullif(trim(cast(customer_id as varchar)), '')) as copy
        from {customer_rows}
    )
    where customer_id is not null and copy = 1 and customer_id not in (select customer_id from erased)
),

rates as (
    select
        from_currency,
        rate_date as valid_from,
        lead(rate_date) over (partition by from_currency order by rate_date) as valid_until,
        rate
    from (
        select
            upper(trim(from_currency)) as from_currency,
            cast(rate_date as date) as rate_date,
            try_cast(rate as decimal(18, 8)) as rate,
            row_number() over (
                partition by upper(trim(from_currency)), upper(trim(to_currency)), cast(rate_date as date)
            ) as copy
        from {rate_rows}
        where upper(trim(to_currency)) = {reporting}
    )
    where copy = 1 and rate > 0 and rate_date is not null and from_currency is not null
),

order_days as (
    select
        order_id,
        coalesce(
            min(case when line_status in ('completed', 'cancelled') then ordered_date end),
            min(ordered_date)
        ) as order_date
    from fit_lines
    group by order_id
),

dated_lines as (
    select
        fit_lines.* exclude (ordered_date),
        fit_lines.ordered_date as line_date,
        order_days.order_date as ordered_date
    from fit_lines
    inner join order_days using (order_id)
),

conflicting as (
    select order_id
    from dated_lines
    group by order_id
    having
        min(customer_id) != max(customer_id)
        or min(case when line_status in ('completed', 'cancelled') then line_date end)
        != max(case when line_status in ('completed', 'cancelled') then line_date end)
        or min(line_date) < min(ordered_date)
        -- refunded or returned for more than was sold
        or (
            count(*) filter (where line_status = 'completed') > 0
            and sum(case when line_status in ('returned', 'refunded') then amount else 0 end)
            > sum(case when line_status = 'completed' then amount else 0 end)
        )
),

converted as (
    select
        fit_lines.order_id,
        fit_lines.customer_id,
        fit_lines.line_status,
        fit_lines.ordered_date,
        cast(fit_lines.amount * case when fit_lines.currency = {reporting} then 1 else rates.rate end
            as decimal(38, 10)) as amount_reporting
    from dated_lines as fit_lines
    {customer_join}
    left join rates
        on
            fit_lines.currency = rates.from_currency
            and fit_lines.ordered_date >= rates.valid_from
            and (rates.valid_until is null or fit_lines.ordered_date < rates.valid_until)
    where
        fit_lines.order_id not in (select order_id from conflicting)
        and (fit_lines.currency = {reporting} or rates.rate is not null)
        and fit_lines.ordered_date <= {as_of}
),

orders as (
    select
        order_id,
        min(customer_id) as customer_id,
        min(ordered_date) as ordered_date,
        round(
            sum(case when line_status = 'completed' then amount_reporting else 0 end)
            - sum(case when line_status in ('returned', 'refunded') then amount_reporting else 0 end),
            2
        ) as net_amount,
        count(*) filter (where line_status = 'completed') as sale_lines
    from converted
    group by order_id
),

measured as (
    select
        customer_id,
        {as_of} - max(ordered_date) as recency_days,
        count(*) as frequency,
        sum(net_amount) as monetary
    from orders
    where sale_lines > 0 and net_amount > 0
    group by customer_id
),

scored as (
    select
        *,
        cast(1 + floor(5 * (2 * (rank() over (order by recency_days desc) - 1)
            + count(*) over (partition by recency_days)) / (2 * count(*) over ())) as integer) as r_score,
        cast(1 + floor(5 * (2 * (rank() over (order by frequency) - 1)
            + count(*) over (partition by frequency)) / (2 * count(*) over ())) as integer) as f_score,
        cast(1 + floor(5 * (2 * (rank() over (order by monetary) - 1)
            + count(*) over (partition by monetary)) / (2 * count(*) over ())) as integer) as m_score
    from measured
)

select
    scored.customer_id,
    scored.recency_days,
    scored.frequency,
    cast(scored.monetary as decimal(18, 2)) as monetary,
    scored.r_score,
    scored.f_score,
    scored.m_score,
    segment_map.segment
from scored
inner join read_csv({segment_map}, all_varchar = true) as segment_map
    on
        segment_map.segment_map = {segment_map_name}
        and cast(segment_map.r_score as integer) = scored.r_score
        and cast(segment_map.f_score as integer) = scored.f_score
        and cast(segment_map.m_score as integer) = scored.m_score
