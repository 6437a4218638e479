{#- Recovery criteria per customer with invoices or proceedings (the payment risk
    population), as of each score date (the as-of date and the back-test date, from the
    billing state then), in long form: one row per score date, customer and criterion.
    int_score_points keeps the risky debtors among them (payment risk at or above
    prepayment_threshold, or money overdue).
    - partial_payments: share of their late or open invoices that received a payment;
    - eventually_paid: share of their late invoices paid in full in the end;
    - recent_payments: payments received, decayed by its half-life and put on 0..1 by
      x / (x + saturation) (settings: int_score_settings); measured_value: decayed count;
    - no_proceedings: 1 - the severity of their proceedings (1 without any).
    overdue_amount repeats on every row of a customer. -#}

with

payment_risk as (

    select distinct
        date_role,
        reference_date,
        customer_id,
        overdue_amount,
        proceedings_severity
    from {{ ref('int_payment_risk_levels') }}

),

invoices as (

    select * from {{ ref('int_invoices_settled') }}
    where rejection_reason is null

),

settings as (

    select * from {{ ref('int_score_settings') }}
    where score_name = 'recovery'

),

criteria as (

    select known.criterion
    from (
        values
        ('partial_payments'),
        ('eventually_paid'),
        ('recent_payments'),
        ('no_proceedings')
    ) as known (criterion)

),

payments as (

    select
        invoices.date_role,
        invoices.customer_id,
        payments.paid_date,
        {{ dbt.datediff(
            'payments.paid_date',
            'invoices.reference_date',
            'day',
        ) }} as days_before
    from {{ ref('stg_billing__payments') }} as payments
    inner join invoices
        on payments.invoice_id = invoices.invoice_id
    where payments.paid_date <= invoices.reference_date

),

history as (

    select
        date_role,
        customer_id,
        sum(case when payment_status in ('paid_late', 'partially_paid', 'unpaid') then 1 else 0 end)
            as troubled_invoices,
        sum(case when payment_status in ('paid_late', 'partially_paid', 'unpaid') and paid_amount > 0 then 1 else 0 end)
            as troubled_with_payment,
        sum(case when payment_status = 'paid_late' then 1 else 0 end) as paid_late_invoices,
        sum(case when payment_status in ('paid_late', 'partially_paid', 'unpaid') and days_late > 0 then 1 else 0 end)
            as late_invoices
    from invoices
    group by date_role, customer_id

),

recent as (

    select
        payments.date_role,
        payments.customer_id,
        sum(power(0.5, payments.days_before / settings.half_life_days)) as decayed_count
    from payments
    left join settings
        on settings.criterion = 'recent_payments'
    group by payments.date_role, payments.customer_id

),

measures as (

    select
        payment_risk.date_role,
        payment_risk.reference_date,
        payment_risk.customer_id,
        payment_risk.overdue_amount,
        coalesce(
            cast(history.troubled_with_payment as {{ dbt.type_float() }}) / nullif(history.troubled_invoices, 0), 0
        ) as partial_payments,
        coalesce(cast(history.paid_late_invoices as {{ dbt.type_float() }}) / nullif(history.late_invoices, 0), 0)
            as eventually_paid,
        coalesce(recent.decayed_count, 0) as recent_payments,
        1 - payment_risk.proceedings_severity as no_proceedings
    from payment_risk
    left join history
        on
            payment_risk.date_role = history.date_role
            and payment_risk.customer_id = history.customer_id
    left join recent
        on
            payment_risk.date_role = recent.date_role
            and payment_risk.customer_id = recent.customer_id

),

final as (

    select
        measures.date_role,
        measures.reference_date,
        measures.customer_id,
        cast(null as {{ dbt.type_string() }}) as category,
        'recovery' as score_name,
        criteria.criterion,
        measures.overdue_amount,
        case criteria.criterion
            when 'partial_payments' then measures.partial_payments
            when 'eventually_paid' then measures.eventually_paid
            when 'recent_payments' then measures.recent_payments
            when 'no_proceedings' then measures.no_proceedings
        end as measured_value,
        case criteria.criterion
            when 'partial_payments' then measures.partial_payments
            when 'eventually_paid' then measures.eventually_paid
            when 'recent_payments' then measures.recent_payments / (measures.recent_payments + settings.saturation)
            when 'no_proceedings' then measures.no_proceedings
        end as criterion_level
    from measures
    cross join criteria
    left join settings
        on criteria.criterion = settings.criterion

)

select * from final
