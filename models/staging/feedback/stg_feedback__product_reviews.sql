with

checked as (

    select * from {{ ref('base_feedback__product_reviews') }}

),

final as (

    select
        -- ids
        source_row_number,
        review_id,
        customer_id,
        product_id,

        -- numerics
        cast(stars as integer) as stars,

        -- dates
        cast(reviewed_at as date) as reviewed_date,

        -- timestamps
        reviewed_at

    from checked
    where rejection_reason is null

)

select * from final
