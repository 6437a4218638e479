with

checked as (

    select * from {{ ref('base_shop__products') }}

),

final as (

    select
        -- ids
        product_id,

        -- strings
        product_name,
        coalesce(category, 'Uncategorised') as category,

        -- numerics
        list_price

    from checked
    where rejection_reason is null

)

select * from final
