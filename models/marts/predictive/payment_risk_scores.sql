{#- Payment risk per customer with invoices or proceedings, as of the as-of date, 0-100:
    late payments, days late, unpaid share and insolvency proceedings
    (int_payment_risk_levels), weighted in int_score_points. requires_prepayment when the
    score reaches var prepayment_threshold: ask these customers for a guarantee. -#}

with

levels as (

    select * from {{ ref('int_payment_risk_levels') }}

),

points as (

    select * from {{ ref('int_score_points') }}
    where score_name = 'payment_risk'

),

criteria as (

    select
        levels.*,
        points.points,
        points.score,
        points.top_factor
    from levels
    inner join points
        on
            levels.date_role = points.date_role
            and levels.customer_id = points.customer_id
            and levels.criterion = points.criterion

),

final as (

    select
        date_role,
        reference_date,
        customer_id,
        invoices,
        due_invoices,
        late_invoices,
        overdue_amount,
        last_proceeding_date,
        max(case when criterion = 'late_payments' then criterion_level end) as late_payments_level,
        mean_days_late,
        max(case when criterion = 'days_late' then criterion_level end) as days_late_level,
        max(case when criterion = 'unpaid_share' then criterion_level end) as unpaid_share_level,
        proceedings_severity as proceedings_level,
        max(score) as payment_risk_score,
        max(case when criterion = 'late_payments' then points end) as late_payments_points,
        max(case when criterion = 'days_late' then points end) as days_late_points,
        max(case when criterion = 'unpaid_share' then points end) as unpaid_share_points,
        max(case when criterion = 'proceedings' then points end) as proceedings_points,
        max(top_factor) as payment_risk_top_factor
    from criteria
    group by
        date_role, reference_date, customer_id, invoices, due_invoices, late_invoices, overdue_amount,
        last_proceeding_date, mean_days_late, proceedings_severity

)

select
    *,
    payment_risk_score >= {{ prepayment_threshold() }} as requires_prepayment
from final
