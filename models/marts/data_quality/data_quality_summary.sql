{#- Quarantined rows per source, reason and load day, with each reason's share of the
    source's rows: the regular, visible quality control. The share of a whole source is
    held under var max_quarantined_share by a test (see _data_quality__models.yml).
    blank_rows_skipped: rows of the file with every field empty (a spreadsheet's blank
    lines), which the reader skips (macro raw_source_rows) instead of quarantining; a
    source with such rows and nothing quarantined has one row with a null reason. They are
    counted from the file through the one reader (DuckDB; 0 elsewhere). -#}
{%- set load_date = load_date_iso() -%}
{%- set blank_counts = [] -%}
{%- if target.type == 'duckdb' -%}
    {%- for input in raw_input_contracts() -%}
        {%- do blank_counts.append("select '" ~ input.source ~ "." ~ input.name ~ "' as source_name, blank_rows from ("
            ~ blank_rows(api.Relation.create(identifier=input.name)) ~ ") as counted") -%}
    {%- endfor -%}
{%- endif -%}

with

quarantined as (

    select * from {{ ref('quarantined_rows') }}

),

source_rows as (

    select
        'shop.transactions' as source_name,
        count(*) as source_rows
    from {{ ref('base_shop__transactions') }}
    union all
    select
        'crm.customers' as source_name,
        count(*) as source_rows
    from {{ ref('base_crm__customers') }}
    union all
    select
        'finance.exchange_rates' as source_name,
        count(*) as source_rows
    from {{ ref('base_finance__exchange_rates') }}
    union all
    select
        'shop.products' as source_name,
        count(*) as source_rows
    from {{ ref('base_shop__products') }}
    union all
    select
        'web.web_events' as source_name,
        count(*) as source_rows
    from {{ ref('base_web__web_events') }}
    union all
    select
        'email.email_events' as source_name,
        count(*) as source_rows
    from {{ ref('base_email__email_events') }}
    union all
    select
        'feedback.survey_responses' as source_name,
        count(*) as source_rows
    from {{ ref('base_feedback__survey_responses') }}
    union all
    select
        'feedback.product_reviews' as source_name,
        count(*) as source_rows
    from {{ ref('base_feedback__product_reviews') }}
    union all
    select
        'crm.customer_interests' as source_name,
        count(*) as source_rows
    from {{ ref('base_crm__customer_interests') }}
    union all
    select
        'billing.subscription_events' as source_name,
        count(*) as source_rows
    from {{ ref('base_billing__subscription_events') }}
    union all
    select
        'billing.invoices' as source_name,
        count(*) as source_rows
    from {{ ref('base_billing__invoices') }}
    union all
    select
        'billing.payments' as source_name,
        count(*) as source_rows
    from {{ ref('base_billing__payments') }}
    union all
    select
        'legal.legal_events' as source_name,
        count(*) as source_rows
    from {{ ref('base_legal__legal_events') }}
    union all
    select
        'marketing.leads' as source_name,
        count(*) as source_rows
    from {{ ref('base_marketing__leads') }}
    union all
    select
        'marketing.lead_identifications' as source_name,
        count(*) as source_rows
    from {{ ref('base_marketing__lead_identifications') }}
    union all
    select
        'marketing.lead_interactions' as source_name,
        count(*) as source_rows
    from {{ ref('base_marketing__lead_interactions') }}
    union all
    select
        'marketing.lead_conversions' as source_name,
        count(*) as source_rows
    from {{ ref('base_marketing__lead_conversions') }}
    union all
    select
        'privacy.consent_events' as source_name,
        count(*) as source_rows
    from {{ ref('base_privacy__consent_events') }}
    union all
    select
        'privacy.rights_requests' as source_name,
        count(*) as source_rows
    from {{ ref('base_privacy__rights_requests') }}
    union all
    select
        'campaigns.campaigns' as source_name,
        count(*) as source_rows
    from {{ ref('base_campaigns__campaigns') }}
    union all
    select
        'campaigns.campaign_assignments' as source_name,
        count(*) as source_rows
    from {{ ref('base_campaigns__campaign_assignments') }}

),

blank as (

    {% if blank_counts -%}
        {{ blank_counts | join('\n    union all\n    ') }}
    {%- else -%}
        select
            cast(null as {{ dbt.type_string() }}) as source_name,
            0 as blank_rows
        where 1 = 0
    {%- endif %}

),

per_reason as (

    select
        source_name,
        rejection_reason,
        count(*) as quarantined_rows,
        sum({{ dbt.safe_cast('amount_text', 'decimal(18, 4)') }}) as quarantined_amount
    from quarantined
    group by source_name, rejection_reason
    union all
    -- a source with blank rows but nothing quarantined still shows them
    select
        blank.source_name,
        cast(null as {{ dbt.type_string() }}) as rejection_reason,
        0 as quarantined_rows,
        cast(null as decimal(18, 4)) as quarantined_amount
    from blank
    where
        blank.blank_rows > 0
        and blank.source_name not in (select quarantined.source_name from quarantined)

),

final as (

    select
        -- ids
        per_reason.source_name,
        per_reason.rejection_reason,

        -- numerics
        cast(per_reason.quarantined_rows as bigint) as quarantined_rows,
        cast(source_rows.source_rows as bigint) as source_rows,
        cast(per_reason.quarantined_rows * 1.0 / source_rows.source_rows as decimal(9, 6))
            as share_of_source_rows,
        cast(per_reason.quarantined_amount as decimal(18, 2)) as quarantined_amount,
        cast(coalesce(blank.blank_rows, 0) as bigint) as blank_rows_skipped,

        -- dates
        {{ "cast('" ~ load_date ~ "' as date)" if load_date else as_of_date() }} as load_date,
        {{ as_of_date() }} as as_of_date

    from per_reason
    inner join source_rows
        on per_reason.source_name = source_rows.source_name
    left join blank
        on per_reason.source_name = blank.source_name

)

select * from final
