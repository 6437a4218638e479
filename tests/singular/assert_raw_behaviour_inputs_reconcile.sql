-- For the catalogue, the behaviour files, subscriptions, proceedings, the lead files, consent and rights requests,
-- campaigns and their assignments: raw rows = rows kept + rows quarantined.
-- Behaviour events are kept when they reach int_customer_interactions without a reason; assignments when they
-- reach int_campaign_assignments without one (their campaign is known).
-- Each entry: (base model, model of the kept rows, the condition a kept row meets there or none).

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
    'campaigns.campaigns': ('base_campaigns__campaigns', 'stg_campaigns__campaigns', none),
    'campaigns.campaign_assignments':
        ('base_campaigns__campaign_assignments', 'int_campaign_assignments', 'rejection_reason is null'),
    'web.web_events': ('base_web__web_events', 'int_customer_interactions',
        "source_name = 'web.web_events' and rejection_reason is null"),
    'email.email_events': ('base_email__email_events', 'int_customer_interactions',
        "source_name = 'email.email_events' and rejection_reason is null"),
    'feedback.survey_responses': ('base_feedback__survey_responses', 'int_customer_interactions',
        "source_name = 'feedback.survey_responses' and rejection_reason is null"),
    'feedback.product_reviews': ('base_feedback__product_reviews', 'int_customer_interactions',
        "source_name = 'feedback.product_reviews' and rejection_reason is null"),
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
                    where {{ models[2] }}
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
