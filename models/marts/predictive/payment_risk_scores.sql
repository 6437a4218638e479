{#- Payment risk per customer with invoices or proceedings, as of the as-of date, 0-100:
    late payments, days late, unpaid share and insolvency proceedings
    (var payment_risk_criteria). requires_prepayment when the score reaches
    var prepayment_threshold: ask these customers for a guarantee. -#}
{%- set settings = score_settings('payment_risk') -%}
{%- set threshold = var('prepayment_threshold', 50) -%}
{%- if threshold is not number or threshold is boolean or threshold < 0 or threshold > 100 -%}
    {{ exceptions.raise_compiler_error("prepayment_threshold must be a number from 0 to 100; got '" ~ threshold ~ "'.") }}
{%- endif -%}

with

invoices as (

    select * from {{ ref('int_invoices_settled') }}
    where rejection_reason is null

),

proceedings as (

    select
        customer_id,
        max(severity) as severity,
        max(event_date) as last_proceeding_date
    from {{ ref('stg_legal__legal_events') }}
    where event_date <= {{ as_of_date() }}
    group by customer_id

),

customers as (

    select customer_id from {{ ref('dim_customers') }}

),

per_customer as (

    select
        customer_id,
        count(*) as invoices,
        sum(case when is_due then 1 else 0 end) as due_invoices,
        sum(case when is_due and payment_status != 'paid_on_time' then 1 else 0 end) as late_invoices,
        avg(case when is_due then days_late end) as mean_days_late,
        sum(case when is_due then amount else 0 end) as due_amount,
        sum(case when is_due and payment_status in ('partially_paid', 'unpaid') then amount - paid_amount else 0 end)
            as overdue_amount
    from invoices
    group by customer_id

),

levels as (

    select
        customers.customer_id,
        coalesce(per_customer.invoices, 0) as invoices,
        coalesce(per_customer.due_invoices, 0) as due_invoices,
        coalesce(per_customer.late_invoices, 0) as late_invoices,
        cast(coalesce(per_customer.overdue_amount, 0) as decimal(18, 2)) as overdue_amount,
        proceedings.last_proceeding_date,
        coalesce(cast(per_customer.late_invoices as {{ dbt.type_float() }}) / nullif(per_customer.due_invoices, 0), 0)
            as late_payments_level,
        coalesce(per_customer.mean_days_late, 0) as mean_days_late,
        {{ saturating('per_customer.mean_days_late', settings.days_late.saturation) }} as days_late_level,
        coalesce(cast(per_customer.overdue_amount as {{ dbt.type_float() }}) / nullif(per_customer.due_amount, 0), 0)
            as unpaid_share_level,
        coalesce(proceedings.severity, 0) as proceedings_level
    from customers
    left join per_customer
        on customers.customer_id = per_customer.customer_id
    left join proceedings
        on customers.customer_id = proceedings.customer_id
    where per_customer.customer_id is not null or proceedings.customer_id is not null

),

final as (

    select
        'scoring' as date_role,
        {{ as_of_date() }} as reference_date,
        levels.*,
        {{ score_outputs('payment_risk', settings) }}
    from levels

)

select
    *,
    payment_risk_score >= {{ threshold }} as requires_prepayment
from final
