-- For the customer and rate files too: raw rows = rows kept + rows quarantined, and for
-- rates also in amount. Test accounts stay in staging (flagged) and are listed in
-- quarantine: they count once, as quarantined.

with

raw_rows as (

    select
        'crm.customers' as source_name,
        count(*) as row_count,
        0 as amount
    from {{ ref('base_crm__customers') }}
    union all
    select
        'finance.exchange_rates' as source_name,
        count(*) as row_count,
        coalesce(sum(rate), 0) as amount
    from {{ ref('base_finance__exchange_rates') }}

),

kept_rows as (

    select
        'crm.customers' as source_name,
        count(*) as row_count,
        0 as amount
    from {{ ref('stg_crm__customers') }}
    where not is_test_account
    union all
    select
        'finance.exchange_rates' as source_name,
        count(*) as row_count,
        coalesce(sum(rate), 0) as amount
    from {{ ref('stg_finance__exchange_rates') }}

),

quarantined as (

    select
        source_name,
        count(*) as row_count,
        coalesce(sum(
            case
                when source_name = 'finance.exchange_rates'
                    then {{ dbt.safe_cast('amount_text', 'decimal(18, 8)') }}
                else 0
            end
        ), 0) as amount
    from {{ ref('quarantined_rows') }}
    where source_name in ('crm.customers', 'finance.exchange_rates')
    group by source_name

)

select
    raw_rows.source_name,
    raw_rows.row_count as raw_row_count,
    kept_rows.row_count as kept_row_count,
    coalesce(quarantined.row_count, 0) as quarantined_row_count
from raw_rows
inner join kept_rows
    on raw_rows.source_name = kept_rows.source_name
left join quarantined
    on raw_rows.source_name = quarantined.source_name
where
    raw_rows.row_count != kept_rows.row_count + coalesce(quarantined.row_count, 0)
    or raw_rows.amount != kept_rows.amount + coalesce(quarantined.amount, 0)
