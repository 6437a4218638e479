{#- Recovery per risky debtor (requires_prepayment, or money overdue) as of the as-of
    date, 0-100: how likely they are to settle, from their partial payments, the late
    invoices they paid in full in the end, recent payments and proceedings
    (int_recovery_levels), weighted in int_score_points, which keeps the risky debtors. -#}

with

levels as (

    select * from {{ ref('int_recovery_levels') }}
    -- the back-test date's scores feed score_backtest, from int_score_points
    where date_role = 'scoring'

),

points as (

    select * from {{ ref('int_score_points') }}
    where score_name = 'recovery'

),

payment_risk as (

    select * from {{ ref('payment_risk_scores') }}

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

pivoted as (

    select
        date_role,
        reference_date,
        customer_id,
        max(case when criterion = 'partial_payments' then criterion_level end) as partial_payments_level,
        max(case when criterion = 'eventually_paid' then criterion_level end) as eventually_paid_level,
        max(case when criterion = 'recent_payments' then measured_value end) as recent_payments_decayed,
        max(case when criterion = 'recent_payments' then criterion_level end) as recent_payments_level,
        cast(max(case when criterion = 'no_proceedings' then measured_value end) as decimal(12, 1))
            as no_proceedings_level,
        max(score) as recovery_score,
        max(case when criterion = 'partial_payments' then points end) as partial_payments_points,
        max(case when criterion = 'eventually_paid' then points end) as eventually_paid_points,
        max(case when criterion = 'recent_payments' then points end) as recent_payments_points,
        max(case when criterion = 'no_proceedings' then points end) as no_proceedings_points,
        max(top_factor) as recovery_top_factor
    from criteria
    group by date_role, reference_date, customer_id

),

final as (

    select
        pivoted.date_role,
        pivoted.reference_date,
        pivoted.customer_id,
        payment_risk.payment_risk_score,
        payment_risk.overdue_amount,
        pivoted.partial_payments_level,
        pivoted.eventually_paid_level,
        pivoted.recent_payments_decayed,
        pivoted.recent_payments_level,
        pivoted.no_proceedings_level,
        pivoted.recovery_score,
        pivoted.partial_payments_points,
        pivoted.eventually_paid_points,
        pivoted.recent_payments_points,
        pivoted.no_proceedings_points,
        pivoted.recovery_top_factor
    from pivoted
    inner join payment_risk
        on pivoted.customer_id = payment_risk.customer_id

)

select * from final
