-- For the catalogue, the behaviour files, subscriptions, proceedings, the lead files, consent and rights requests:
-- raw rows = rows kept + rows quarantined.
-- Behaviour events are kept when they reach int_customer_interactions without a reason.

{%- set sources = {
    'shop.products': ('base_shop__products', 'stg_shop__products', none),
    'crm.customer_interests': ('base_crm__customer_interests', 'stg_crm__customer_interests', none),
    'billing.subscription_events': ('base_billing__subscription_events', 'stg_billing__subscription_events', none),
    'legal.legal_events': ('base_legal__legal_events', 'stg_legal__legal_events', none),
    'marketing.leads': ('base_marketing__leads', 'stg_marketing__leads', none),
    'marketing.lead_identifications':
        ('base_marketing__lead_identifications', 'stg_marketing__lead_identifications', none),
    'marketing.lead_interactions': ('base_marketing__lead_interactions', 'stg_marketing__lead_interactions', none),
    'marketing.lead_conversions': ('base_marketing__lead_conversions', 'stg_marketing__lead_conversions', none),
    'privacy.consent_events': ('base_privacy__consent_events', 'stg_privacy__consent_events', none),
    'privacy.rights_requests': ('base_privacy__rights_requests', 'stg_privacy__rights_requests', none),
    'web.web_events': ('base_web__web_events', 'int_customer_interactions', 'web.web_events'),
    'email.email_events': ('base_email__email_events', 'int_customer_interactions', 'email.email_events'),
    'feedback.survey_responses':
        ('base_feedback__survey_responses', 'int_customer_interactions', 'feedback.survey_responses'),
    'feedback.product_reviews':
        ('base_feedback__product_reviews', 'int_customer_interactions', 'feedback.product_reviews'),
} %}

with

counts as (

    {%- for source_name, models in sources.items() %}
        select
            '{{ source_name }}' as source_name,
            (select count(*) from {{ ref(models[0]) }}) as raw_row_count,
            (
                select count(*) from {{ ref(models[1]) }}
                {%- if models[2] %}
                    where source_name = '{{ models[2] }}' and rejection_reason is null
                {%- endif %}
            ) as kept_row_count,
            (
                select count(*) from {{ ref('quarantined_rows') }}
                where source_name = '{{ source_name }}'
            ) as quarantined_row_count
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

)

select *
from counts
where raw_row_count != kept_row_count + quarantined_row_count
