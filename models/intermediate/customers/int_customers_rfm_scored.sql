{#- Recency, frequency and monetary of every customer with a qualifying order in the
    scoring window, their tie-safe quintile scores (5 = best) and the weighted RFM score
    (macro rfm_scored, shared with the campaigns' launch RFM). -#}
{%- set window_start = scoring_window_start() -%}

with

orders as (

    select * from {{ ref('int_orders_netted') }}
    where is_qualifying

),

reference_dates as (

    select
        'as_of_date' as reference_key,
        {{ as_of_date() }} as reference_date,
        {{ window_start if window_start else 'cast(null as date)' }} as window_start_date

),

scored as (

    {{ rfm_scored('orders', 'reference_dates') }}

),

final as (

    select
        -- ids
        customer_id,

        -- strings
        {{ dbt.concat([
            'cast(r_score as ' ~ dbt.type_string() ~ ')',
            'cast(f_score as ' ~ dbt.type_string() ~ ')',
            'cast(m_score as ' ~ dbt.type_string() ~ ')']) }} as rfm_code,

        -- numerics
        cast(recency_days as integer) as recency_days,
        cast(frequency as integer) as frequency,
        cast(monetary as decimal(18, 2)) as monetary,
        r_score,
        f_score,
        m_score,
        rfm_score,

        -- dates
        first_order_date,
        last_order_date

    from scored

)

select * from final
