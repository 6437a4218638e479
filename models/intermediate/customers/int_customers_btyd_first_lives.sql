{#- The first life of every buyer who came back after a long silence, per date role of
    int_customers_btyd_summary and per comeback gap of var btyd_comeback_gap_days: the
    purchase days before the first silence of at least that many days (the gap between two
    purchase days, both by the date), summarised as the buy-till-you-die summary is, and
    observed up to the comeback:
    - first_life_frequency: repeat purchase days of the first life;
    - first_life_recency: time from the first purchase day to the last one before the gap;
    - first_life_t: time from the first purchase day to the comeback (the purchase day
      that ends the gap): nobody bought between, which is what a lapsed life says.
    In the unit of var btyd_time_unit. Customers without such a gap have no row: their
    first life is their whole history. The purchase models may be fitted on these lives
    instead of the whole histories, so that comebacks do not lengthen the lives the fit
    sees; the back-test chooses (btyd_fits, doc btyd_model_choice). Purchase days: macro
    btyd_purchase_days, as in the summary. -#}
{%- set gaps = btyd_comeback_gap_days() -%}

with

gaps as (

    {% for gap in gaps -%}
    select {{ gap }} as comeback_gap_days
    {% if not loop.last %}union all
    {% endif %}
    {%- else -%}
    select 1 as comeback_gap_days
    {%- endfor %}

),

summary as (

    select
        customer_id,
        date_role,
        reference_date
    from {{ ref('int_customers_btyd_summary') }}

),

purchase_days as (

    {{ btyd_purchase_days(ref('int_orders_netted')) }}

),

next_days as (

    select
        customer_id,
        purchase_date,
        lead(purchase_date) over (partition by customer_id order by purchase_date) as next_purchase_date
    from purchase_days

),

gaps_seen as (

    -- each purchase day followed, by the date, by a silence of at least the gap
    select
        summary.date_role,
        gaps.comeback_gap_days,
        summary.customer_id,
        next_days.purchase_date,
        next_days.next_purchase_date
    from next_days
    inner join summary
        on
            next_days.customer_id = summary.customer_id
            and next_days.next_purchase_date <= summary.reference_date
    cross join gaps
    where
        {{ dbt.datediff('next_days.purchase_date', 'next_days.next_purchase_date', 'day') }}
        >= gaps.comeback_gap_days
        {%- if not gaps %}
        and false
        {%- endif %}

),

comebacks as (

    select
        date_role,
        comeback_gap_days,
        customer_id,
        min(purchase_date) as last_purchase_date,
        min(next_purchase_date) as comeback_date
    from gaps_seen
    group by date_role, comeback_gap_days, customer_id

),

first_lives as (

    select
        comebacks.date_role,
        comebacks.comeback_gap_days,
        comebacks.customer_id,
        min(next_days.purchase_date) as first_purchase_date,
        max(comebacks.last_purchase_date) as last_purchase_date,
        max(comebacks.comeback_date) as comeback_date,
        count(*) - 1 as first_life_frequency
    from comebacks
    inner join next_days
        on
            comebacks.customer_id = next_days.customer_id
            and next_days.purchase_date <= comebacks.last_purchase_date
    group by comebacks.date_role, comebacks.comeback_gap_days, comebacks.customer_id

),

final as (

    select
        -- ids
        customer_id,

        -- strings
        date_role,

        -- numerics
        cast(comeback_gap_days as integer) as comeback_gap_days,
        cast(first_life_frequency as integer) as first_life_frequency,
        {{ btyd_duration('first_purchase_date', 'last_purchase_date') }} as first_life_recency,
        {{ btyd_duration('first_purchase_date', 'comeback_date') }} as first_life_t,

        -- dates
        first_purchase_date,
        last_purchase_date,
        comeback_date

    from first_lives

)

select * from final
