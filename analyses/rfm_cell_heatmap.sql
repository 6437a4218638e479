-- Customers and revenue per R x F cell (averaged over M), the usual RFM heat map.
-- Compile with `dbt compile -s rfm_cell_heatmap` and run the SQL in target/compiled.

with

rfm as (

    select * from {{ ref('customer_rfm') }}
    where is_scored

),

final as (

    select
        r_score,
        f_score,
        count(*) as customers,
        sum(monetary) as revenue,
        avg(monetary) as avg_monetary
    from rfm
    group by r_score, f_score

)

select * from final
order by r_score desc, f_score desc
