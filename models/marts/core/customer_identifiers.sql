{#- Every raw customer id and contact detail the warehouse was given, for the privacy test
    holds_no_raw_identifiers: no value of a public relation (schema bi) may be one of these.
    From every row of the customer file, quarantined ones included, and from the customers
    known through their orders alone. Restricted: never exposed. -#}

with

crm_customers as (

    select * from {{ ref('base_crm__customers') }}

),

customers as (

    select * from {{ ref('dim_customers') }}

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

),

final as (

    select
        identifier_type,
        identifier
    from identifiers
    where identifier is not null and identifier != ''

)

select * from final
