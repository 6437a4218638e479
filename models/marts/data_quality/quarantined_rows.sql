{#- Every raw row set aside, with its source, key and reason: nothing is dropped silently.
    Row-level reasons come from staging (base_* models); reasons that need another source
    (test account, conflicting order, missing exchange rate) from the intermediate layer.
    Test accounts are listed once per customer row and once per transaction line. -#}

with

transactions as (

    select * from {{ ref('base_shop__transactions') }}
    where rejection_reason is not null

),

lines as (

    select * from {{ ref('int_order_lines_converted') }}
    where rejection_reason is not null

),

customers as (

    select * from {{ ref('base_crm__customers') }}
    where rejection_reason is not null or is_test_account

),

exchange_rates as (

    select * from {{ ref('base_finance__exchange_rates') }}
    where rejection_reason is not null

),

unioned as (

    select
        'shop.transactions' as source_name,
        source_row_number,
        coalesce(order_id, customer_id) as record_key,
        rejection_reason,
        amount_raw as amount_text
    from transactions
    union all
    select
        'shop.transactions' as source_name,
        source_row_number,
        order_id as record_key,
        rejection_reason,
        cast(amount as {{ dbt.type_string() }}) as amount_text
    from lines
    union all
    select
        'crm.customers' as source_name,
        source_row_number,
        customer_id as record_key,
        coalesce(rejection_reason, 'test_account') as rejection_reason,
        cast(null as {{ dbt.type_string() }}) as amount_text
    from customers
    union all
    select
        'finance.exchange_rates' as source_name,
        source_row_number,
        from_currency as record_key,
        rejection_reason,
        cast(rate as {{ dbt.type_string() }}) as amount_text
    from exchange_rates

),

final as (

    select
        -- ids
        source_name,
        source_row_number,
        record_key,

        -- strings
        rejection_reason,
        amount_text,

        -- dates
        {{ as_of_date() }} as as_of_date

    from unioned

)

select * from final
