{#- Every real customer known on the as-of date: from the CRM when there is one, else (or
    also, for ids the CRM lacks) derived from the transactions. Test accounts are left out;
    personal data never reaches this table (age band instead of birth year, no e-mail). -#}
{%- set as_of_year = as_of_date_iso()[:4] | int -%}

with

crm_customers as (

    select * from {{ ref('stg_crm__customers') }}
    where not is_test_account

),

email_consents as (

    select
        customer_id,
        has_consent
    from {{ ref('int_customer_consents') }}
    where channel = 'email'

),

transaction_customers as (

    select
        customer_id,
        min(ordered_date) as first_ordered_date
    from {{ ref('int_order_lines_converted') }}
    where
        rejection_reason is null
        and ordered_date <= {{ as_of_date() }}
    group by customer_id

),

all_ids as (

    select customer_id from crm_customers
    union
    select customer_id from transaction_customers

),

joined as (

    select
        all_ids.customer_id,
        crm_customers.customer_type,
        crm_customers.gender,
        crm_customers.birth_year,
        crm_customers.country,
        crm_customers.region,
        crm_customers.town_size,
        crm_customers.housing_type,
        crm_customers.company_sector,
        crm_customers.company_size,
        crm_customers.company_headcount,
        crm_customers.acquisition_channel,
        email_consents.has_consent as has_email_opt_in,
        crm_customers.has_profiling_consent,
        crm_customers.customer_id is not null as is_in_crm,
        cast(crm_customers.signed_up_at as date) as signed_up_date,
        transaction_customers.first_ordered_date
    from all_ids
    left join crm_customers
        on all_ids.customer_id = crm_customers.customer_id
    left join transaction_customers
        on all_ids.customer_id = transaction_customers.customer_id
    left join email_consents
        on all_ids.customer_id = email_consents.customer_id

),

final as (

    select
        -- ids
        customer_id,

        -- strings
        coalesce(customer_type, 'UNKNOWN') as customer_type,
        gender,
        case
            when birth_year is null then 'unknown'
            when {{ as_of_year }} - birth_year < 18 then 'under 18'
            when {{ as_of_year }} - birth_year < 25 then '18-24'
            when {{ as_of_year }} - birth_year < 35 then '25-34'
            when {{ as_of_year }} - birth_year < 45 then '35-44'
            when {{ as_of_year }} - birth_year < 55 then '45-54'
            when {{ as_of_year }} - birth_year < 65 then '55-64'
            else '65+'
        end as age_band,
        country,
        region,
        town_size,
        housing_type,
        company_sector,
        company_size,
        acquisition_channel,

        -- numerics
        company_headcount,

        -- booleans
        is_in_crm,
        coalesce(has_email_opt_in, false) as has_email_opt_in,
        coalesce(has_profiling_consent, false) as has_profiling_consent,

        -- dates
        case
            when signed_up_date is null then first_ordered_date
            when first_ordered_date is null then signed_up_date
            when first_ordered_date < signed_up_date then first_ordered_date
            else signed_up_date
        end as customer_since_date,
        {{ as_of_date() }} as as_of_date

    from joined

)

select * from final
where customer_since_date is null or customer_since_date <= {{ as_of_date() }}
