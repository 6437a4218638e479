{{ config(materialized='table') }}
{#- Every raw campaign row, typed, with the reason it is unfit (or null). Empty without a
    campaigns file. -#}
{%- set raw = source('campaigns', 'campaigns') -%}
{%- set path = raw_input_path('campaigns') -%}
{%- set input = raw_input_contract('campaigns') -%}
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

        -- strings
        nullif(trim({{ contract_column(input, columns, 'campaign_name') }}), '') as campaign_name,
        lower(nullif(trim({{ contract_column(input, columns, 'channel') }}), '')) as channel,
        nullif(trim({{ contract_column(input, columns, 'audience') }}), '') as audience,
        nullif(trim({{ contract_column(input, columns, 'offer') }}), '') as offer,

        -- dates
        {{ contract_column(input, columns, 'start_date') }} as start_date,
        {{ contract_column(input, columns, 'end_date') }} as end_date

    from numbered

),

flagged as (

    select
        *,
        row_number() over (partition by campaign_id order by source_row_number) as copy_number
    from typed

),

final as (

    select
        *,
        case
            when campaign_id is null then 'missing_campaign_id'
            when not {{ contract_rule(input, 'scientific_notation_id') }} then 'scientific_notation_id'
            when start_date is null then 'invalid_start_date'
            when not {{ contract_rule(input, 'placeholder_date') }} then 'placeholder_date'
            when not {{ contract_rule(input, 'end_before_start') }} then 'end_before_start'
            when channel is null or channel not in ('email', 'sms', 'phone', 'post') then 'unknown_channel'
            when copy_number > 1 then 'duplicate_campaign_id'
        end as rejection_reason
    from flagged

)

select * from final
