with

checked as (

    select * from {{ ref('base_billing__payments') }}

),

final as (

    select
        -- ids
        source_row_number,
        payment_id,
        invoice_id,

        -- numerics
        amount,

        -- dates
        cast(paid_at as date) as paid_date

    from checked
    where rejection_reason is null

)

select * from final
