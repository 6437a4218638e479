with

checked as (

    select * from {{ ref('base_marketing__leads') }}

),

final as (

    select
        -- ids
        lead_id,
        source_row_number,

        -- strings
        lead_source,
        lead_type,
        company_sector,
        company_size,
        country,
        region,
        job_role,
        seniority,

        -- numerics
        company_headcount,

        -- booleans
        has_marketing_consent,

        -- dates
        cast(created_at as date) as created_date,

        -- timestamps
        created_at

    from checked
    where rejection_reason is null

)

select * from final
