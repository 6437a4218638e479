{#- Every raw row set aside, with its source, its position in the source, its key, the
    values that matter and the reason: nothing is dropped silently. Row-level reasons come
    from staging (base_* models); reasons that need more than the row from
    int_order_lines_converted and, for behaviour events, int_customer_interactions. Test-account customers are listed too, as test_account. -#}
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

products as (

    select * from {{ ref('base_shop__products') }}
    where rejection_reason is not null

),

web_events as (

    select * from {{ ref('base_web__web_events') }}
    where rejection_reason is not null

),

email_events as (

    select * from {{ ref('base_email__email_events') }}
    where rejection_reason is not null

),

survey_responses as (

    select * from {{ ref('base_feedback__survey_responses') }}
    where rejection_reason is not null

),

product_reviews as (

    select * from {{ ref('base_feedback__product_reviews') }}
    where rejection_reason is not null

),

customer_interests as (

    select * from {{ ref('base_crm__customer_interests') }}
    where rejection_reason is not null

),

interactions as (

    select * from {{ ref('int_customer_interactions') }}
    where rejection_reason is not null

),

subscription_events as (

    select * from {{ ref('base_billing__subscription_events') }}
    where rejection_reason is not null

),

invoices as (

    select * from {{ ref('base_billing__invoices') }}
    where rejection_reason is not null

),

payments as (

    select * from {{ ref('base_billing__payments') }}
    where rejection_reason is not null

),

legal_events as (

    select * from {{ ref('base_legal__legal_events') }}
    where rejection_reason is not null

),

invoices_set_aside as (

    select * from {{ ref('int_invoices_settled') }}
    where rejection_reason is not null

),

payments_of_unknown_invoices as (

    select
        payments.source_row_number,
        payments.invoice_id,
        payments.paid_date,
        payments.amount
    from {{ ref('stg_billing__payments') }} as payments
    left join {{ ref('stg_billing__invoices') }} as invoices
        on payments.invoice_id = invoices.invoice_id
    where invoices.invoice_id is null

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
    union all
    select
        'shop.products' as source_name,
        source_row_number,
        product_id as record_key,
        rejection_reason,
        cast(null as {{ dbt.type_string() }}) as customer_id,
        cast(null as {{ dbt.type_string() }}) as order_id,
        cast(null as {{ dbt.type_string() }}) as date_text,
        cast(list_price as {{ dbt.type_string() }}) as amount_text,
        cast(null as {{ dbt.type_string() }}) as currency,
        cast(null as {{ dbt.type_string() }}) as status
    from products
    union all
    select
        'web.web_events' as source_name,
        source_row_number,
        coalesce(session_id, customer_id) as record_key,
        rejection_reason,
        customer_id,
        cast(null as {{ dbt.type_string() }}) as order_id,
        cast(event_at as {{ dbt.type_string() }}) as date_text,
        cast(null as {{ dbt.type_string() }}) as amount_text,
        cast(null as {{ dbt.type_string() }}) as currency,
        event_type as status
    from web_events
    union all
    select
        'email.email_events' as source_name,
        source_row_number,
        coalesce(campaign_id, customer_id) as record_key,
        rejection_reason,
        customer_id,
        cast(null as {{ dbt.type_string() }}) as order_id,
        cast(event_at as {{ dbt.type_string() }}) as date_text,
        cast(null as {{ dbt.type_string() }}) as amount_text,
        cast(null as {{ dbt.type_string() }}) as currency,
        event_type as status
    from email_events
    union all
    select
        'feedback.survey_responses' as source_name,
        source_row_number,
        coalesce(response_id, customer_id) as record_key,
        rejection_reason,
        customer_id,
        cast(null as {{ dbt.type_string() }}) as order_id,
        cast(answered_at as {{ dbt.type_string() }}) as date_text,
        cast(score as {{ dbt.type_string() }}) as amount_text,
        cast(null as {{ dbt.type_string() }}) as currency,
        survey_type as status
    from survey_responses
    union all
    select
        'feedback.product_reviews' as source_name,
        source_row_number,
        coalesce(review_id, customer_id) as record_key,
        rejection_reason,
        customer_id,
        cast(null as {{ dbt.type_string() }}) as order_id,
        cast(reviewed_at as {{ dbt.type_string() }}) as date_text,
        cast(stars as {{ dbt.type_string() }}) as amount_text,
        cast(null as {{ dbt.type_string() }}) as currency,
        cast(null as {{ dbt.type_string() }}) as status
    from product_reviews
    union all
    select
        'crm.customer_interests' as source_name,
        source_row_number,
        customer_id as record_key,
        rejection_reason,
        customer_id,
        cast(null as {{ dbt.type_string() }}) as order_id,
        cast(updated_at as {{ dbt.type_string() }}) as date_text,
        cast(null as {{ dbt.type_string() }}) as amount_text,
        cast(null as {{ dbt.type_string() }}) as currency,
        interest as status
    from customer_interests
    union all
    select
        source_name,
        source_row_number,
        customer_id as record_key,
        rejection_reason,
        customer_id,
        cast(null as {{ dbt.type_string() }}) as order_id,
        cast(interaction_at as {{ dbt.type_string() }}) as date_text,
        cast(interaction_value as {{ dbt.type_string() }}) as amount_text,
        cast(null as {{ dbt.type_string() }}) as currency,
        interaction_type as status
    from interactions
    union all
    select
        'billing.subscription_events' as source_name,
        source_row_number,
        coalesce(subscription_id, customer_id) as record_key,
        rejection_reason,
        customer_id,
        cast(null as {{ dbt.type_string() }}) as order_id,
        cast(event_at as {{ dbt.type_string() }}) as date_text,
        cast(null as {{ dbt.type_string() }}) as amount_text,
        cast(null as {{ dbt.type_string() }}) as currency,
        event_type as status
    from subscription_events
    union all
    select
        'billing.invoices' as source_name,
        source_row_number,
        coalesce(invoice_id, customer_id) as record_key,
        rejection_reason,
        customer_id,
        cast(null as {{ dbt.type_string() }}) as order_id,
        cast(issued_at as {{ dbt.type_string() }}) as date_text,
        cast(amount as {{ dbt.type_string() }}) as amount_text,
        cast(null as {{ dbt.type_string() }}) as currency,
        cast(null as {{ dbt.type_string() }}) as status
    from invoices
    union all
    select
        'billing.invoices' as source_name,
        source_row_number,
        invoice_id as record_key,
        rejection_reason,
        customer_id,
        cast(null as {{ dbt.type_string() }}) as order_id,
        cast(issued_date as {{ dbt.type_string() }}) as date_text,
        cast(amount as {{ dbt.type_string() }}) as amount_text,
        cast(null as {{ dbt.type_string() }}) as currency,
        payment_status as status
    from invoices_set_aside
    union all
    select
        'billing.payments' as source_name,
        source_row_number,
        coalesce(payment_id, invoice_id) as record_key,
        rejection_reason,
        cast(null as {{ dbt.type_string() }}) as customer_id,
        cast(null as {{ dbt.type_string() }}) as order_id,
        cast(paid_at as {{ dbt.type_string() }}) as date_text,
        cast(amount as {{ dbt.type_string() }}) as amount_text,
        cast(null as {{ dbt.type_string() }}) as currency,
        cast(null as {{ dbt.type_string() }}) as status
    from payments
    union all
    select
        'billing.payments' as source_name,
        source_row_number,
        invoice_id as record_key,
        'unknown_invoice' as rejection_reason,
        cast(null as {{ dbt.type_string() }}) as customer_id,
        cast(null as {{ dbt.type_string() }}) as order_id,
        cast(paid_date as {{ dbt.type_string() }}) as date_text,
        cast(amount as {{ dbt.type_string() }}) as amount_text,
        cast(null as {{ dbt.type_string() }}) as currency,
        cast(null as {{ dbt.type_string() }}) as status
    from payments_of_unknown_invoices
    union all
    select
        'legal.legal_events' as source_name,
        source_row_number,
        customer_id as record_key,
        rejection_reason,
        customer_id,
        cast(null as {{ dbt.type_string() }}) as order_id,
        cast(event_date as {{ dbt.type_string() }}) as date_text,
        cast(null as {{ dbt.type_string() }}) as amount_text,
        cast(null as {{ dbt.type_string() }}) as currency,
        event_type as status
    from legal_events

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
