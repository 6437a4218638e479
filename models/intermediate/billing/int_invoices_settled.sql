{#- One row per score date (int_score_dates: the as-of date, role 'scoring', and the
    back-test date, role 'backtest') and invoice known on that date (issued on or before
    it), with what was paid by then and how: paid_on_time, paid_late, partially_paid (due,
    part paid), unpaid (due, nothing paid) or not_due. days_late: for a settled invoice,
    days from the due date to the payment that completed it; for an open overdue one, days
    from the due date to the reference date. Payments after the reference date are not
    known then. Invoices of test accounts and of customers nobody knows are set aside with
    a reason. -#}

with

dates as (

    select * from {{ ref('int_score_dates') }}

),

invoices as (

    select
        dates.date_role,
        dates.reference_date,
        invoices.*
    from {{ ref('stg_billing__invoices') }} as invoices
    inner join dates
        on invoices.issued_date <= dates.reference_date

),

payments as (

    select
        dates.date_role,
        payments.*
    from {{ ref('stg_billing__payments') }} as payments
    inner join dates
        on payments.paid_date <= dates.reference_date

),

known_customers as (

    {{ known_customer_ids(ref('stg_crm__customers'), ref('int_order_lines_converted')) }}

),

test_accounts as (

    {{ test_account_ids(ref('base_crm__customers')) }}

),

running as (

    select
        payments.date_role,
        payments.invoice_id,
        payments.paid_date,
        payments.amount,
        sum(payments.amount) over (
            partition by payments.date_role, payments.invoice_id
            order by payments.paid_date asc, payments.source_row_number asc
            rows between unbounded preceding and current row
        ) as paid_so_far
    from payments

),

paid as (

    select
        running.date_role,
        running.invoice_id,
        count(*) as payment_count,
        sum(running.amount) as paid_amount,
        min(running.paid_date) as first_paid_date,
        max(running.paid_date) as last_paid_date,
        min(case when running.paid_so_far >= invoices.amount then running.paid_date end) as settled_date,
        max(case when running.amount < invoices.amount then 1 else 0 end) as has_partial_payment
    from running
    inner join invoices
        on
            running.date_role = invoices.date_role
            and running.invoice_id = invoices.invoice_id
    group by running.date_role, running.invoice_id

),

final as (

    select
        -- ids
        invoices.invoice_id,
        invoices.customer_id,
        invoices.source_row_number,

        -- strings
        invoices.date_role,
        case
            when paid.settled_date is not null and paid.settled_date <= invoices.due_date then 'paid_on_time'
            when paid.settled_date is not null then 'paid_late'
            when invoices.due_date >= invoices.reference_date then 'not_due'
            when coalesce(paid.paid_amount, 0) > 0 then 'partially_paid'
            else 'unpaid'
        end as payment_status,
        case
            when test_accounts.customer_id is not null then 'test_account'
            when known_customers.customer_id is null then 'unknown_customer'
        end as rejection_reason,

        -- numerics
        invoices.amount,
        cast(coalesce(paid.paid_amount, 0) as decimal(18, 2)) as paid_amount,
        coalesce(paid.payment_count, 0) as payment_count,
        case
            when paid.settled_date is not null
                then greatest({{ dbt.datediff('invoices.due_date', 'paid.settled_date', 'day') }}, 0)
            when invoices.due_date < invoices.reference_date
                then {{ dbt.datediff('invoices.due_date', 'invoices.reference_date', 'day') }}
            else 0
        end as days_late,

        -- booleans
        invoices.due_date < invoices.reference_date as is_due,
        coalesce(paid.has_partial_payment = 1, false) as has_partial_payment,

        -- dates
        invoices.reference_date,
        invoices.issued_date,
        invoices.due_date,
        paid.settled_date,
        paid.last_paid_date

    from invoices
    left join paid
        on
            invoices.date_role = paid.date_role
            and invoices.invoice_id = paid.invoice_id
    left join known_customers
        on invoices.customer_id = known_customers.customer_id
    left join test_accounts
        on invoices.customer_id = test_accounts.customer_id

)

select * from final
