with

checked as (

    select * from {{ ref('base_billing__invoices') }}

),

final as (

    select
        -- ids
        source_row_number,
        invoice_id,
        customer_id,

        -- numerics
        amount,

        -- dates
        cast(issued_at as date) as issued_date,
        due_date

    from checked
    where rejection_reason is null

)

select * from final
