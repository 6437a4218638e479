-- Raw transaction rows = rows kept for scoring + rows quarantined, in count and in amount
-- (amounts compared on rows whose amount could be read).

with

raw as (

    select
        count(*) as row_count,
        coalesce(sum(amount), 0) as amount
    from {{ ref('base_shop__transactions') }}

),

kept as (

    select
        count(*) as row_count,
        coalesce(sum(amount), 0) as amount
    from {{ ref('int_order_lines_converted') }}
    where rejection_reason is null

),

quarantined as (

    select
        count(*) as row_count,
        coalesce(sum({{ dbt.safe_cast('amount_text', 'decimal(18, 4)') }}), 0) as amount
    from {{ ref('quarantined_rows') }}
    where source_name = 'shop.transactions'

)

select
    raw.row_count as raw_rows,
    kept.row_count as kept_rows,
    quarantined.row_count as quarantined_rows
from raw
cross join kept
cross join quarantined
where
    raw.row_count != kept.row_count + quarantined.row_count
    or raw.amount != kept.amount + quarantined.amount
