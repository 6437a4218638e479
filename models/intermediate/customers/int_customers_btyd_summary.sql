{#- The buy-till-you-die summary of every buyer, beside (not instead of) the classic RFM
    columns, as of two dates: the as-of date ('scoring') and btyd_holdout_days earlier
    ('calibration', for the back-test). In the unit of var btyd_time_unit (day or week):
    - btyd_frequency: repeat purchase days (distinct days with a qualifying order, after
      the first); classic frequency counts orders;
    - btyd_recency: time from the first to the last purchase day; classic recency is
      days since the last purchase;
    - btyd_t: the customer's age, time from the first purchase day to the date;
    - btyd_monetary_value: mean net value of the repeat purchase days (null without one);
      classic monetary is the total. -#}
{%- set unit_days = btyd_unit_days() -%}
{%- set holdout = positive_whole_var('btyd_holdout_days', 90) -%}

with

dates as (

    select
        'scoring' as date_role,
        {{ as_of_date() }} as reference_date
    union all
    select
        'calibration' as date_role,
        cast({{ dbt.dateadd('day', -1 * holdout, as_of_date()) }} as date) as reference_date

),

purchase_days as (

    select
        customer_id,
        ordered_date as purchase_date,
        sum(net_amount) as day_value
    from {{ ref('int_orders_netted') }}
    where is_qualifying
    group by customer_id, ordered_date

),

known as (

    select
        dates.date_role,
        dates.reference_date,
        purchase_days.customer_id,
        purchase_days.purchase_date,
        purchase_days.day_value,
        min(purchase_days.purchase_date) over (
            partition by dates.date_role, purchase_days.customer_id
        ) as first_purchase_date
    from purchase_days
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
        sum(day_value) as total_value,
        {{ dbt.datediff('min(purchase_date)', 'max(purchase_date)', 'day') }}
            as recency_days,
        {{ dbt.datediff('min(purchase_date)', 'max(reference_date)', 'day') }}
            as age_days
    from known
    group by date_role, reference_date, customer_id

),

final as (

    select
        -- ids
        customer_id,

        -- strings
        date_role,
        '{{ btyd_time_unit() }}' as time_unit,

        -- numerics
        cast(btyd_frequency as integer) as btyd_frequency,
        cast(recency_days as {{ dbt.type_float() }}) / {{ unit_days }} as btyd_recency,
        cast(age_days as {{ dbt.type_float() }}) / {{ unit_days }} as btyd_t,
        {{ mean_to_cents("repeat_value", "btyd_frequency") }} as btyd_monetary_value,
        cast(total_value as decimal(18, 2)) as total_value,

        -- dates
        first_purchase_date,
        last_purchase_date,
        reference_date

    from summarised
    -- customers who objected to profiling get no lifetime value (GDPR art. 21)
    where customer_id not in ({{ profiling_objector_ids(ref('int_customer_rights')) }})

)

select * from final
