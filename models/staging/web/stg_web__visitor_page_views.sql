{#- Page views of anonymous visitors (no customer id, a visitor id): the rows base sets aside
    as missing_customer_id for customer scores, read again for lead scoring. A row qualifies
    when it passes every other check of the web events contract (the base model reports
    only its first reason, so those checks are repeated here from the same contract); which
    lead a visitor is, and from when, comes from marketing.lead_identifications
    (int_lead_activities). -#}
{%- set input = raw_input_contract('web_events') -%}
{%- set load_date = load_date_iso() -%}

with

anonymous as (

    select * from {{ ref('base_web__web_events') }}
    where rejection_reason = 'missing_customer_id'

),

final as (

    select
        -- ids
        source_row_number,
        visitor_id,
        session_id,

        -- strings
        coalesce(page_type, 'other') as page_type,

        -- dates
        cast(event_at as date) as event_date,

        -- timestamps
        event_at

    from anonymous
    where
        visitor_id is not null
        and session_id is not null
        and event_at is not null
        and event_type = 'page_view'
        and copy_number = 1
        and {{ contract_rule(input, 'scientific_notation_id') }}
        and {{ contract_rule(input, 'placeholder_date') }}
    {% if load_date -%}
            and cast(event_at as date) <= cast('{{ load_date }}' as date)
        {%- endif %}

)

select * from final
