{#- The contact addresses of kept CRM customers (e-mail, phone, postal address): the only
    model that reads them. A view, so no copy of the addresses is stored in the warehouse;
    only the audience export (python -m customer_scoring export-audiences) reads it.
    Customers who asked for erasure are left out. -#}
{%- set raw = source('crm', 'customers') -%}
{%- set path = raw_input_path('customers') -%}
{%- set input = raw_input_contract('customers') -%}
{%- set columns = relation_columns(raw_input(raw)) if path else {} -%}

with

numbered as (

    {{ raw_source_rows(raw) }}

),

addresses as (

    select
        source_row_number,
        lower(trim({{ contract_column(input, columns, 'email') }})) as email,
        nullif(trim({{ contract_column(input, columns, 'phone') }}), '') as phone,
        nullif(trim({{ contract_column(input, columns, 'postal_address') }}), '') as postal_address
    from numbered

),

kept as (

    select
        source_row_number,
        customer_id
    from {{ ref('base_crm__customers') }}
    where rejection_reason is null and not is_test_account

),

final as (

    select
        -- ids
        kept.customer_id,

        -- strings
        nullif(addresses.email, '') as email,
        addresses.phone,
        addresses.postal_address

    from kept
    inner join addresses
        on kept.source_row_number = addresses.source_row_number

)

select * from final
