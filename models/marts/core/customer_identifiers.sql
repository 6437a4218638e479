{#- Every raw customer id and contact detail the warehouse was given, for the privacy test
    holds_no_raw_identifiers: no value of a public relation (schema bi) may be one of these.
    From every row of the customer file, quarantined ones included, and from the customers
    known through their orders alone, and the phone numbers and postal addresses of the kept
    customers (stg_crm__customer_contacts). A view, so it stores no copy of them.
    Restricted: never exposed. -#}
{{ config(materialized='view') }}

with

crm_customers as (

    select * from {{ ref('base_crm__customers') }}

),

customers as (

    select * from {{ ref('dim_customers') }}

),

contacts as (

    select * from {{ ref('stg_crm__customer_contacts') }}

),

identifiers as (

    select
        'customer_id' as identifier_type,
        lower(trim(customer_id)) as identifier
    from crm_customers
    union
    select
        'email' as identifier_type,
        lower(trim(email)) as identifier
    from crm_customers
    union
    select
        'customer_id' as identifier_type,
        lower(trim(customer_id)) as identifier
    from customers
    union
    select
        'phone' as identifier_type,
        lower(trim(phone)) as identifier
    from contacts
    union
    select
        'postal_address' as identifier_type,
        lower(trim(postal_address)) as identifier
    from contacts

),

final as (

    select
        identifier_type,
        identifier
    from identifiers
    where identifier is not null and identifier != ''

)

select * from final
