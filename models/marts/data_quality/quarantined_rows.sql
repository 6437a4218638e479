{#- Every raw row set aside, with its source, its position in the source, its key, the
    values that matter and the reason: nothing is dropped silently. Row-level reasons come
    from staging (base_* models); reasons that need more than the row from the models
    that join sources (order lines, behaviour interactions, invoices). Test-account
    customers are listed too, as test_account.
    One mechanism for every source: each entry of set_aside names the relation, which
    rows it sets aside and which of its columns fill the common shape (a missing one is
    null). Add a source by adding an entry. -#}
{%- set load_date = load_date_iso() -%}
{%- set set_aside = [
    {'source': "'shop.transactions'", 'from': ref('base_shop__transactions'),
     'key': 'coalesce(order_id, customer_id)', 'customer_id': 'customer_id', 'order_id': 'order_id',
     'date': 'ordered_at_raw', 'amount': 'amount_raw', 'currency': 'currency', 'status': 'line_status'},
    {'source': "'shop.transactions'", 'from': ref('int_order_lines_converted'),
     'key': 'order_id', 'customer_id': 'customer_id', 'order_id': 'order_id',
     'date': 'ordered_at', 'amount': 'amount', 'currency': 'currency', 'status': 'line_status'},
    {'source': "'crm.customers'", 'from': ref('base_crm__customers'),
     'where': 'rejection_reason is not null or is_test_account',
     'reason': "coalesce(rejection_reason, 'test_account')",
     'key': 'customer_id', 'customer_id': 'customer_id', 'date': 'signed_up_at'},
    {'source': "'finance.exchange_rates'", 'from': ref('base_finance__exchange_rates'),
     'key': 'from_currency', 'date': 'rate_date', 'amount': 'rate', 'currency': 'from_currency'},
    {'source': "'shop.products'", 'from': ref('base_shop__products'),
     'key': 'product_id', 'amount': 'list_price'},
    {'source': "'web.web_events'", 'from': ref('base_web__web_events'),
     'key': 'coalesce(session_id, customer_id)', 'customer_id': 'customer_id', 'date': 'event_at',
     'status': 'event_type'},
    {'source': "'email.email_events'", 'from': ref('base_email__email_events'),
     'key': 'coalesce(campaign_id, customer_id)', 'customer_id': 'customer_id', 'date': 'event_at',
     'status': 'event_type'},
    {'source': "'feedback.survey_responses'", 'from': ref('base_feedback__survey_responses'),
     'key': 'coalesce(response_id, customer_id)', 'customer_id': 'customer_id', 'date': 'answered_at',
     'amount': 'score', 'status': 'survey_type'},
    {'source': "'feedback.product_reviews'", 'from': ref('base_feedback__product_reviews'),
     'key': 'coalesce(review_id, customer_id)', 'customer_id': 'customer_id', 'date': 'reviewed_at',
     'amount': 'stars'},
    {'source': "'crm.customer_interests'", 'from': ref('base_crm__customer_interests'),
     'key': 'customer_id', 'customer_id': 'customer_id', 'date': 'updated_at', 'status': 'interest'},
    {'source': 'source_name', 'from': ref('int_customer_interactions'),
     'key': 'customer_id', 'customer_id': 'customer_id', 'date': 'interaction_at',
     'amount': 'interaction_value', 'status': 'interaction_type'},
    {'source': "'billing.subscription_events'", 'from': ref('base_billing__subscription_events'),
     'key': 'coalesce(subscription_id, customer_id)', 'customer_id': 'customer_id', 'date': 'event_at',
     'status': 'event_type'},
    {'source': "'billing.invoices'", 'from': ref('base_billing__invoices'),
     'key': 'coalesce(invoice_id, customer_id)', 'customer_id': 'customer_id', 'date': 'issued_at',
     'amount': 'amount'},
    {'source': "'billing.invoices'", 'from': ref('int_invoices_settled'),
     'where': "rejection_reason is not null and date_role = 'scoring'",
     'key': 'invoice_id', 'customer_id': 'customer_id', 'date': 'issued_date', 'amount': 'amount',
     'status': 'payment_status'},
    {'source': "'billing.payments'", 'from': ref('base_billing__payments'),
     'key': 'coalesce(payment_id, invoice_id)', 'date': 'paid_at', 'amount': 'amount'},
    {'source': "'billing.payments'", 'from': 'payments_of_unknown_invoices', 'where': 'true',
     'reason': "'unknown_invoice'", 'key': 'invoice_id', 'date': 'paid_date', 'amount': 'amount'},
    {'source': "'legal.legal_events'", 'from': ref('base_legal__legal_events'),
     'key': 'customer_id', 'customer_id': 'customer_id', 'date': 'event_date', 'status': 'event_type'},
    {'source': "'marketing.leads'", 'from': ref('base_marketing__leads'),
     'key': 'lead_id', 'date': 'created_at', 'status': 'lead_type'},
    {'source': "'marketing.lead_identifications'", 'from': ref('base_marketing__lead_identifications'),
     'key': 'coalesce(lead_id, visitor_id)', 'date': 'identified_at', 'status': 'form_type'},
    {'source': "'marketing.lead_interactions'", 'from': ref('base_marketing__lead_interactions'),
     'key': 'lead_id', 'date': 'occurred_at', 'status': 'interaction_type'},
    {'source': "'marketing.lead_conversions'", 'from': ref('base_marketing__lead_conversions'),
     'key': 'lead_id', 'customer_id': 'customer_id', 'date': 'converted_at'},
    {'source': "'privacy.consent_events'", 'from': ref('base_privacy__consent_events'),
     'key': 'customer_id', 'customer_id': 'customer_id', 'date': 'event_at', 'status': 'consent_status'},
    {'source': "'privacy.rights_requests'", 'from': ref('base_privacy__rights_requests'),
     'key': 'customer_id', 'customer_id': 'customer_id', 'date': 'requested_at', 'status': 'request_type'},
    {'source': "'campaigns.campaigns'", 'from': ref('base_campaigns__campaigns'),
     'key': 'campaign_id', 'date': 'start_date', 'status': 'channel'},
    {'source': "'campaigns.campaign_assignments'", 'from': ref('base_campaigns__campaign_assignments'),
     'key': 'campaign_id', 'customer_id': 'customer_id', 'status': 'assignment_group'},
    {'source': "'campaigns.campaign_assignments'", 'from': ref('int_campaign_assignments'),
     'key': 'campaign_id', 'customer_id': 'customer_id', 'status': 'assignment_group'},
] -%}
{%- set text = dbt.type_string() -%}

with

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

    {% for entry in set_aside -%}
        select
            {{ entry.source }} as source_name,
            source_row_number,
            cast({{ entry.key }} as {{ text }}) as record_key,
            {{ entry.get('reason', 'rejection_reason') }} as rejection_reason,
            cast({{ entry.get('customer_id', 'null') }} as {{ text }}) as customer_id,
            cast({{ entry.get('order_id', 'null') }} as {{ text }}) as order_id,
            cast({{ entry.get('date', 'null') }} as {{ text }}) as date_text,
            cast({{ entry.get('amount', 'null') }} as {{ text }}) as amount_text,
            cast({{ entry.get('currency', 'null') }} as {{ text }}) as currency,
            cast({{ entry.get('status', 'null') }} as {{ text }}) as status
        from {{ entry.from }}
        where {{ entry.get('where', 'rejection_reason is not null') }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

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
