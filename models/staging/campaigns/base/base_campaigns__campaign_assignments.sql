{{ config(materialized='table') }}
{#- Every raw campaign assignment, typed, with the reason it is unfit (or null). Empty
    without a campaign assignments file. -#}
{%- set raw = source('campaigns', 'campaign_assignments') -%}
{%- set path = raw_input_path('campaign_assignments') -%}
{%- set input = raw_input_contract('campaign_assignments') -%}
{%- set columns = relation_columns(raw_input(raw)) if path else {} -%}

with

numbered as (

    {{ raw_source_rows(raw) }}

),

typed as (

    select
        -- ids
        source_row_number,
        nullif(trim({{ contract_column(input, columns, 'campaign_id') }}), '') as campaign_id,
        nullif(trim({{ contract_column(input, columns, 'customer_id') }}), '') as customer_id,

        -- strings
        lower(nullif(trim({{ contract_column(input, columns, 'assignment_group') }}), '')) as assignment_group

    from numbered

),

flagged as (

    select
        *,
        row_number() over (partition by campaign_id, customer_id order by source_row_number) as copy_number
    from typed

),

final as (

    select
        *,
        case
            when campaign_id is null then 'missing_campaign_id'
            when customer_id is null then 'missing_customer_id'
            when not {{ contract_rule(input, 'scientific_notation_id') }} then 'scientific_notation_id'
            when assignment_group is null or assignment_group not in ('treatment', 'control')
                then 'unknown_assignment_group'
            when copy_number > 1 then 'duplicate_assignment'
        end as rejection_reason
    from flagged

)

select * from final
-- customers with an erasure request leave the warehouse here (docs/audiences.md)
where {{ not_erased('customer_id', ref('base_privacy__rights_requests')) }}
