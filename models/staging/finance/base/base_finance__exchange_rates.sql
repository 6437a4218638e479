{{ config(materialized='table') }}
{#- Every raw exchange-rate row, typed, with the reason it is unfit (or null).
    Without a rates file this is empty: only the reporting currency can then be scored.
    A table, not a view: the checks run once per build however many models and tests
    read it. -#}
{%- set raw = source('finance', 'exchange_rates') -%}
{%- set path = raw_input_path('exchange_rates') -%}
{%- set input = raw_input_contract('exchange_rates') -%}
{%- set columns = relation_columns(raw_input(raw)) if path else {} -%}

with

numbered as (

    {{ raw_source_rows(raw) }}

),

typed as (

    select
        -- ids
        source_row_number,

        -- strings
        upper(trim({{ contract_column(input, columns, 'from_currency') }})) as from_currency,
        upper(trim({{ contract_column(input, columns, 'to_currency') }})) as to_currency,

        -- numerics
        {{ contract_column(input, columns, 'rate') }} as rate,

        -- dates
        {{ contract_column(input, columns, 'rate_date') }} as rate_date

    from numbered

),

final as (

    select
        *,
        case
            when from_currency is null or to_currency is null then 'missing_currency'
            when rate_date is null then 'invalid_rate_date'
            when not {{ contract_rule(input, 'placeholder_date') }} then 'placeholder_date'
            when rate is null or rate <= 0 then 'invalid_rate'
            when row_number() over (
                    partition by from_currency, to_currency, rate_date order by source_row_number
                ) > 1 then 'duplicate_rate'
        end as rejection_reason
    from typed

)

select * from final
