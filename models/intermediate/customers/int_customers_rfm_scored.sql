{#- Recency, frequency and monetary of every customer with a qualifying order in the
    scoring window, their tie-safe quintile scores (5 = best) and the weighted RFM score. -#}

with

orders as (

    select * from {{ ref('int_orders_netted') }}
    where is_qualifying and {{ in_scoring_window('ordered_date') }}

),

measured as (

    select
        customer_id,
        min(ordered_date) as first_order_date,
        max(ordered_date) as last_order_date,
        count(distinct order_id) as frequency,
        sum(net_amount) as monetary
    from orders
    group by customer_id

),

with_recency as (

    select
        *,
        {{ dbt.datediff('last_order_date', as_of_date(), 'day') }}
            as recency_days
    from measured

),

scored as (

    select
        *,
        {{ tie_safe_ntile('recency_days', 5, higher_is_better=false) }} as r_score,
        {{ tie_safe_ntile('frequency', 5) }} as f_score,
        {{ tie_safe_ntile('monetary', 5) }} as m_score
    from with_recency

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
        {{ weighted_score(rfm_criteria(), var('rfm_weights')) }} as rfm_score,

        -- dates
        first_order_date,
        last_order_date

    from scored

)

select * from final
