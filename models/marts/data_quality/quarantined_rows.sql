{#- Every raw row set aside, with its source, its position in the source, its key, the
    values that matter and the reason: nothing is dropped silently. Row-level reasons come
    from staging (base_* models); reasons that need more than the row from
    int_order_lines_converted. Test-account customers are listed too, as test_account. -#}
{%- set load_date = load_date_iso() -%}

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
        customer_id,
        order_id,
        ordered_at_raw as date_text,
        amount_raw as amount_text,
        currency,
        line_status as status
    from transactions
    union all
    select
        'shop.transactions' as source_name,
        source_row_number,
        order_id as record_key,
        rejection_reason,
        customer_id,
        order_id,
        cast(ordered_at as {{ dbt.type_string() }}) as date_text,
        cast(amount as {{ dbt.type_string() }}) as amount_text,
        currency,
        line_status as status
    from lines
    union all
    select
        'crm.customers' as source_name,
        source_row_number,
        customer_id as record_key,
        coalesce(rejection_reason, 'test_account') as rejection_reason,
        customer_id,
        cast(null as {{ dbt.type_string() }}) as order_id,
        cast(signed_up_at as {{ dbt.type_string() }}) as date_text,
        cast(null as {{ dbt.type_string() }}) as amount_text,
        cast(null as {{ dbt.type_string() }}) as currency,
        cast(null as {{ dbt.type_string() }}) as status
    from customers
    union all
    select
        'finance.exchange_rates' as source_name,
        source_row_number,
        from_currency as record_key,
        rejection_reason,
        cast(null as {{ dbt.type_string() }}) as customer_id,
        cast(null as {{ dbt.type_string() }}) as order_id,
        cast(rate_date as {{ dbt.type_string() }}) as date_text,
        cast(rate as {{ dbt.type_string() }}) as amount_text,
        from_currency as currency,
        cast(null as {{ dbt.type_string() }}) as status
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
        customer_id,
        order_id,
        date_text,
        amount_text,
        currency,
        status,

        -- dates
        {{ "cast('" ~ load_date ~ "' as date)" if load_date else as_of_date() }} as load_date,
        {{ as_of_date() }} as as_of_date

    from unioned

)

select * from final
