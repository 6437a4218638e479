{#- The buy-till-you-die summary of every buyer, beside (not instead of) the classic RFM
    columns, as of the as-of date ('scoring'), btyd_holdout_days earlier ('calibration',
    for the back-test), and a year (365 days) before each of them
    ('scoring_year_before', 'calibration_year_before': the seasonal index of btyd_fits
    measures the same window a year earlier; only when btyd_holdout_days is below a
    year). In the unit of var btyd_time_unit (day or week):
    - btyd_frequency: repeat purchase days (distinct days with a qualifying order, after
      the first); classic frequency counts orders;
    - btyd_recency: time from the first to the last purchase day; classic recency is
      days since the last purchase;
    - btyd_t: the customer's age, time from the first purchase day to the date;
    - btyd_monetary_value: mean net value of the repeat purchase days (null without one);
      classic monetary is the total;
    - holdout_purchase_days (null on scoring rows): the purchase days of the
      btyd_holdout_days after the date (for the calibration date: up to the as-of date),
      what the back-test of the purchase models compares their predictions with
      (btyd_fits, probability_calibration), and the seasonal index a year earlier.
    Purchase days: macro btyd_purchase_days. -#}
{%- set holdout = positive_whole_var('btyd_holdout_days', 90) -%}
{%- set year_days = 365 -%}

with

dates as (

    select
        'scoring' as date_role,
        {{ as_of_date() }} as reference_date
    union all
    select
        'calibration' as date_role,
        cast({{ dbt.dateadd('day', -1 * holdout, as_of_date()) }} as date) as reference_date
    {%- if holdout < year_days %}
        union all
        select
            'scoring_year_before' as date_role,
            cast({{ dbt.dateadd('day', -1 * year_days, as_of_date()) }} as date) as reference_date
        union all
        select
            'calibration_year_before' as date_role,
            cast({{ dbt.dateadd('day', -1 * year_days - holdout, as_of_date()) }} as date) as reference_date
    {%- endif %}

),

purchase_days as (

    {{ btyd_purchase_days(ref('int_orders_netted')) }}

),

holdout_purchases as (

    -- the back-test's outcome: purchase days of the holdout after each date but the
    -- as-of date (after the calibration date: up to the as-of date)
    select
        dates.date_role,
        purchase_days.customer_id,
        count(*) as holdout_purchase_days
    from purchase_days
    inner join dates
        on
            dates.date_role != 'scoring'
            and purchase_days.purchase_date > dates.reference_date
            and purchase_days.purchase_date
            <= cast({{ dbt.dateadd('day', holdout, 'dates.reference_date') }} as date)
    group by dates.date_role, purchase_days.customer_id

),

first_purchases as (

    -- each customer's first purchase day, the same on every date that knows the customer
    -- (grouped once here, not windowed per date: a window sorts every purchase day of
    -- every date)
    select
        customer_id,
        min(purchase_date) as first_purchase_date
    from purchase_days
    group by customer_id

),

known as (

    select
        dates.date_role,
        dates.reference_date,
        purchase_days.customer_id,
        purchase_days.purchase_date,
        purchase_days.day_value,
        first_purchases.first_purchase_date
    from purchase_days
    inner join first_purchases
        on purchase_days.customer_id = first_purchases.customer_id
    inner join dates
        on purchase_days.purchase_date <= dates.reference_date

),

summarised as (

    select
        date_role,
        reference_date,
        customer_id,
        min(purchase_date) as first_purchase_date,
        max(purchase_date) as last_purchase_date,
        count(*) - 1 as btyd_frequency,
        sum(case when purchase_date > first_purchase_date then day_value end) as repeat_value,
        sum(day_value) as total_value
    from known
    group by date_role, reference_date, customer_id

),

final as (

    select
        -- ids
        summarised.customer_id,

        -- strings
        summarised.date_role,
        '{{ btyd_time_unit() }}' as time_unit,

        -- numerics
        cast(summarised.btyd_frequency as integer) as btyd_frequency,
        {{ btyd_duration('summarised.first_purchase_date', 'summarised.last_purchase_date') }}
            as btyd_recency,
        {{ btyd_duration('summarised.first_purchase_date', 'summarised.reference_date') }}
            as btyd_t,
        {{ mean_to_cents("summarised.repeat_value", "summarised.btyd_frequency") }} as btyd_monetary_value,
        cast(summarised.total_value as decimal(18, 2)) as total_value,
        cast(
            case
                when summarised.date_role != 'scoring'
                    then coalesce(holdout_purchases.holdout_purchase_days, 0)
            end as integer
        ) as holdout_purchase_days,

        -- dates
        summarised.first_purchase_date,
        summarised.last_purchase_date,
        summarised.reference_date

    from summarised
    left join holdout_purchases
        on
            summarised.date_role = holdout_purchases.date_role
            and summarised.customer_id = holdout_purchases.customer_id
    -- customers who objected to profiling get no lifetime value (GDPR art. 21)
    where summarised.customer_id not in ({{ profiling_objector_ids(ref('int_customer_rights')) }})

)

select * from final
