{#- Payment risk criteria per customer with invoices or proceedings, as of each score
    date (int_score_dates: the as-of date and the back-test date, from the billing state
    then, int_invoices_settled), in long form: one row per score date, customer and
    criterion.
    - late_payments: share of due invoices paid late or not (yet) in full;
    - days_late: mean days late of due invoices (open ones: days overdue so far), put on
      0..1 by x / (x + saturation) (settings: int_score_settings);
    - unpaid_share: share of the amount due still unpaid;
    - proceedings: most severe proceeding so far (safeguard 0.5, receivership 0.8,
      liquidation 1).
    measured_value is the share, mean days or severity the level comes from; the invoice
    counts, overdue amount and proceedings (the most severe one, its type and date) repeat
    on every row of a customer. -#}

with

invoices as (

    select * from {{ ref('int_invoices_settled') }}
    where rejection_reason is null

),

customers as (

    select customer_id from {{ ref('dim_customers') }}

),

dates as (

    select * from {{ ref('int_score_dates') }}

),

settings as (

    select * from {{ ref('int_score_settings') }}
    where score_name = 'payment_risk'

),

criteria as (

    select known.criterion
    from (
        values
        ('late_payments'),
        ('days_late'),
        ('unpaid_share'),
        ('proceedings')
    ) as known (criterion)

),

known_proceedings as (

    select
        dates.date_role,
        events.customer_id,
        events.event_type,
        events.severity,
        events.event_date,
        row_number() over (
            partition by dates.date_role, events.customer_id
            order by events.severity desc, events.event_date desc, events.event_type asc
        ) as severity_rank
    from {{ ref('stg_legal__legal_events') }} as events
    inner join dates
        on events.event_date <= dates.reference_date

),

proceedings as (

    select
        date_role,
        customer_id,
        max(severity) as severity,
        max(event_date) as last_proceeding_date,
        max(case when severity_rank = 1 then event_type end) as most_severe_proceeding,
        max(case when severity_rank = 1 then event_date end) as most_severe_proceeding_date
    from known_proceedings
    group by date_role, customer_id

),

per_customer as (

    select
        date_role,
        customer_id,
        count(*) as invoices,
        sum(case when is_due then 1 else 0 end) as due_invoices,
        sum(case when is_due and payment_status != 'paid_on_time' then 1 else 0 end) as late_invoices,
        avg(case when is_due then days_late end) as mean_days_late,
        sum(case when is_due then amount else 0 end) as due_amount,
        sum(case when is_due and payment_status in ('partially_paid', 'unpaid') then amount - paid_amount else 0 end)
            as overdue_amount
    from invoices
    group by date_role, customer_id

),

measures as (

    select
        dates.date_role,
        dates.reference_date,
        customers.customer_id,
        coalesce(per_customer.invoices, 0) as invoices,
        coalesce(per_customer.due_invoices, 0) as due_invoices,
        coalesce(per_customer.late_invoices, 0) as late_invoices,
        cast(coalesce(per_customer.overdue_amount, 0) as decimal(18, 2)) as overdue_amount,
        proceedings.last_proceeding_date,
        proceedings.most_severe_proceeding,
        proceedings.most_severe_proceeding_date,
        coalesce(proceedings.severity, 0) as proceedings_severity,
        coalesce(cast(per_customer.late_invoices as {{ dbt.type_float() }}) / nullif(per_customer.due_invoices, 0), 0)
            as late_payments,
        per_customer.mean_days_late,
        coalesce(cast(per_customer.overdue_amount as {{ dbt.type_float() }}) / nullif(per_customer.due_amount, 0), 0)
            as unpaid_share
    from customers
    cross join dates
    left join per_customer
        on
            dates.date_role = per_customer.date_role
            and customers.customer_id = per_customer.customer_id
    left join proceedings
        on
            dates.date_role = proceedings.date_role
            and customers.customer_id = proceedings.customer_id
    where per_customer.customer_id is not null or proceedings.customer_id is not null

),

final as (

    select
        measures.date_role,
        measures.reference_date,
        measures.customer_id,
        cast(null as {{ dbt.type_string() }}) as category,
        'payment_risk' as score_name,
        criteria.criterion,
        measures.invoices,
        measures.due_invoices,
        measures.late_invoices,
        measures.overdue_amount,
        measures.last_proceeding_date,
        measures.most_severe_proceeding,
        measures.most_severe_proceeding_date,
        measures.proceedings_severity,
        coalesce(measures.mean_days_late, 0) as mean_days_late,
        case criteria.criterion
            when 'late_payments' then measures.late_payments
            when 'days_late' then coalesce(measures.mean_days_late, 0)
            when 'unpaid_share' then measures.unpaid_share
            when 'proceedings' then measures.proceedings_severity
        end as measured_value,
        case criteria.criterion
            when 'late_payments' then measures.late_payments
            when 'days_late'
                then coalesce(measures.mean_days_late, 0) / (coalesce(measures.mean_days_late, 0) + settings.saturation)
            when 'unpaid_share' then measures.unpaid_share
            when 'proceedings' then measures.proceedings_severity
        end as criterion_level
    from measures
    cross join criteria
    left join settings
        on criteria.criterion = settings.criterion

)

select * from final
