{{ config(materialized='table') }}
{#- Every raw customer row, typed, personal data reduced to flags, with the reason it is
    unfit (or null). Without a customer file this is empty and customers are derived from
    the transactions.
    A table, not a view: the checks run once per build however many models and tests
    read it. -#}
{%- set raw = source('crm', 'customers') -%}
{%- set path = raw_input_path('customers') -%}
{%- set input = 'The customers file ' ~ path -%}
{%- set columns = relation_columns(raw_input(raw)) if path else {} -%}
{%- set domains = var('test_account_email_domains', []) -%}

with

source as (

    {% if path -%}
        select * from {{ raw_input(raw) }}
    {%- else -%}
    select 1 as no_customer_file where 1 = 0
    {%- endif %}

),

numbered as (

    select
        *,
        row_number() over () as source_row_number
    from source

),

typed as (

    select
        -- ids
        source_row_number,
        nullif(trim({{ input_column(columns, 'customer_id', dbt.type_string(), path is not none, input) }}), '') as customer_id,

        -- strings
        upper(nullif(trim({{ input_column(columns, 'customer_type', dbt.type_string()) }}), '')) as customer_type,
        upper(nullif(trim({{ input_column(columns, 'gender', dbt.type_string()) }}), '')) as gender,
        upper(nullif(trim({{ input_column(columns, 'country', dbt.type_string()) }}), '')) as country,
        nullif(trim({{ input_column(columns, 'region', dbt.type_string()) }}), '') as region,
        lower(nullif(trim({{ input_column(columns, 'town_size', dbt.type_string()) }}), '')) as town_size,
        lower(nullif(trim({{ input_column(columns, 'housing_type', dbt.type_string()) }}), '')) as housing_type,
        lower(nullif(trim({{ input_column(columns, 'company_sector', dbt.type_string()) }}), '')) as company_sector,
        nullif(trim({{ input_column(columns, 'company_size', dbt.type_string()) }}), '') as company_size,
        lower(nullif(trim({{ input_column(columns, 'acquisition_channel', dbt.type_string()) }}), '')) as acquisition_channel,
        lower(trim({{ input_column(columns, 'email', dbt.type_string()) }})) as email,

        -- numerics
        {{ input_column(columns, 'birth_year', 'integer') }} as birth_year,
        {{ input_column(columns, 'company_headcount', 'integer') }} as company_headcount,

        -- booleans
        coalesce({{ input_column(columns, 'email_opt_in', dbt.type_boolean()) }}, false) as has_email_opt_in,
        coalesce({{ input_column(columns, 'profiling_consent', dbt.type_boolean()) }}, false) as has_profiling_consent,

        -- timestamps
        {{ input_column(columns, 'signed_up_at', 'timestamp') }} as signed_up_at

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

        -- numerics
        birth_year,
        company_headcount,

        -- booleans
        has_email_opt_in,
        has_profiling_consent,
        {% if domains -%}
            coalesce({{ dbt.split_part('email', "'@'", 2) }} in (
                {%- for domain in domains %}{{ sql_string(domain | lower) }}{{ ', ' if not loop.last }}{% endfor -%}
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
            when copy_number > 1 then 'duplicate_customer_id'
        end as rejection_reason
    from flagged

)

select * from final
