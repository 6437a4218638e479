{{ config(materialized='table') }}
{#- Every raw customer row, typed, personal data reduced to flags, with the reason it is
    unfit (or null). Without a customer file this is empty and customers are derived from
    the transactions.
    A table, not a view: the checks run once per build however many models and tests
    read it. -#}
{%- set raw = source('crm', 'customers') -%}
{%- set path = raw_input_path('customers') -%}
{%- set input = raw_input_contract('customers') -%}
{%- set columns = relation_columns(raw_input(raw)) if path else {} -%}
{%- set domains = var('test_account_email_domains', []) -%}

with

numbered as (

    {{ raw_source_rows(raw) }}

),

typed as (

    select
        -- ids
        source_row_number,
        nullif(trim({{ contract_column(input, columns, 'customer_id') }}), '') as customer_id,

        -- strings
        upper(nullif(trim({{ contract_column(input, columns, 'customer_type') }}), '')) as customer_type,
        upper(nullif(trim({{ contract_column(input, columns, 'gender') }}), '')) as gender,
        upper(nullif(trim({{ contract_column(input, columns, 'country') }}), '')) as country,
        nullif(trim({{ contract_column(input, columns, 'region') }}), '') as region,
        lower(nullif(trim({{ contract_column(input, columns, 'town_size') }}), '')) as town_size,
        lower(nullif(trim({{ contract_column(input, columns, 'housing_type') }}), '')) as housing_type,
        lower(nullif(trim({{ contract_column(input, columns, 'company_sector') }}), '')) as company_sector,
        nullif(trim({{ contract_column(input, columns, 'company_size') }}), '') as company_size,
        lower(nullif(trim({{ contract_column(input, columns, 'acquisition_channel') }}), '')) as acquisition_channel,
        lower(trim({{ contract_column(input, columns, 'email') }})) as email,

        -- numerics
        {{ contract_column(input, columns, 'birth_year') }} as birth_year,
        {{ contract_column(input, columns, 'company_headcount') }} as company_headcount,

        -- booleans
        coalesce({{ contract_column(input, columns, 'email_opt_in') }}, false) as has_email_opt_in,
        coalesce({{ contract_column(input, columns, 'profiling_consent') }}, false) as has_profiling_consent,

        -- timestamps
        {{ contract_column(input, columns, 'signed_up_at') }} as signed_up_at

    from numbered

),

flagged as (

    select
        -- ids
        source_row_number,
        customer_id,

        -- strings
        customer_type,
        gender,
        country,
        region,
        town_size,
        housing_type,
        company_sector,
        company_size,
        acquisition_channel,
        -- contact detail: kept in the base table (restricted) for the privacy test of the
        -- public layer (customer_identifiers); stg_crm__customers keeps only is_test_account
        email,

        -- numerics
        birth_year,
        company_headcount,

        -- booleans
        has_email_opt_in,
        has_profiling_consent,
        {% if domains -%}
            coalesce({{ dbt.split_part('email', "'@'", 2) }} in (
                {%- for domain in domains -%}
                    {{ sql_string(domain | lower) }}{{ ', ' if not loop.last }}
                {%- endfor -%}
            ), false)
        {%- else -%}
        false
        {%- endif %} as is_test_account,

        -- timestamps
        signed_up_at,

        row_number() over (partition by customer_id order by source_row_number) as copy_number

    from typed

),

final as (

    select
        *,
        case
            when customer_id is null then 'missing_customer_id'
            when not {{ contract_rule(input, 'scientific_notation_id') }} then 'scientific_notation_id'
            when copy_number > 1 then 'duplicate_customer_id'
        end as rejection_reason
    from flagged

)

select * from final
-- customers with an erasure request leave the warehouse here (docs/audiences.md)
where {{ not_erased('customer_id', ref('base_privacy__rights_requests')) }}
