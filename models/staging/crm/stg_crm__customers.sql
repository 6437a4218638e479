with

checked as (

    select * from {{ ref('base_crm__customers') }}

),

final as (

    select
        -- ids
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
        is_test_account,

        -- timestamps
        signed_up_at

    from checked
    where rejection_reason is null

)

select * from final
