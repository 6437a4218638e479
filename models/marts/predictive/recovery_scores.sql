{#- Recovery per risky debtor (requires_prepayment, or money overdue) as of the as-of
    date, 0-100: how likely they are to settle, from their partial payments, the late
    invoices they paid in full in the end, recent payments and proceedings
    (var recovery_criteria). -#}
{%- set settings = score_settings('recovery') -%}

with

risky as (

    select * from {{ ref('payment_risk_scores') }}
    where requires_prepayment or overdue_amount > 0

),

invoices as (

    select * from {{ ref('int_invoices_settled') }}
    where rejection_reason is null

),

payments as (

    select
        invoices.customer_id,
        payments.paid_date,
        {{ dbt.datediff('payments.paid_date', as_of_date(), 'day') }} as days_before
    from {{ ref('stg_billing__payments') }} as payments
    inner join invoices
        on payments.invoice_id = invoices.invoice_id
    where payments.paid_date <= {{ as_of_date() }}

),

history as (

    select
        customer_id,
        sum(case when payment_status in ('paid_late', 'partially_paid', 'unpaid') then 1 else 0 end) as troubled_invoices,
        sum(case when payment_status in ('paid_late', 'partially_paid', 'unpaid') and paid_amount > 0 then 1 else 0 end)
            as troubled_with_payment,
        sum(case when payment_status = 'paid_late' then 1 else 0 end) as paid_late_invoices,
        sum(case when payment_status in ('paid_late', 'partially_paid', 'unpaid') and days_late > 0 then 1 else 0 end)
            as late_invoices
    from invoices
    group by customer_id

),

recent as (

    select
        customer_id,
        sum(power(0.5, days_before / {{ settings.recent_payments.half_life_days | float }})) as recent_payments_decayed
    from payments
    group by customer_id

),

levels as (

    select
        risky.customer_id,
        risky.payment_risk_score,
        risky.overdue_amount,
        coalesce(cast(history.troubled_with_payment as {{ dbt.type_float() }}) / nullif(history.troubled_invoices, 0), 0)
            as partial_payments_level,
        coalesce(cast(history.paid_late_invoices as {{ dbt.type_float() }}) / nullif(history.late_invoices, 0), 0)
            as eventually_paid_level,
        coalesce(recent.recent_payments_decayed, 0) as recent_payments_decayed,
        {{ saturating('recent.recent_payments_decayed', settings.recent_payments.saturation) }} as recent_payments_level,
        1 - risky.proceedings_level as no_proceedings_level
    from risky
    left join history
        on risky.customer_id = history.customer_id
    left join recent
        on risky.customer_id = recent.customer_id

)

select
    'scoring' as date_role,
    {{ as_of_date() }} as reference_date,
    levels.*,
    {{ score_outputs('recovery', settings) }}
from levels
