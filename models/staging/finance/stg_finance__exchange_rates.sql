with

checked as (

    select * from {{ ref('base_finance__exchange_rates') }}

),

final as (

    select
        -- strings
        from_currency,
        to_currency,

        -- numerics
        rate,

        -- dates
        rate_date

    from checked
    where rejection_reason is null

)

select * from final
