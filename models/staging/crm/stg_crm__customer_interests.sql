with

checked as (

    select * from {{ ref('base_crm__customer_interests') }}

),

final as (

    select
        -- ids
        customer_id,

        -- strings
        interest,

        -- timestamps
        updated_at

    from checked
    where rejection_reason is null

)

select * from final
