{#- The one long relation every score's back-test reads: one row per score and customer
    scored as of the back-test date (int_score_dates, prediction_horizon_days before the
    as-of date), with the score then, whether the customer had the score's outcome in the
    following days up to the as-of date, and the one banding step (tie-safe decile by
    score, mid-rank for the AUC). score_backtest summarises it per score,
    score_backtest_deciles per score and decile.
    - engagement: any web session, e-mail open or click;
    - purchase: a qualifying purchase;
    - satisfaction: a qualifying purchase (satisfied customers come back), among
      customers with feedback;
    - cross_sell: a purchase in the customer's best next category;
    - reactivation: a qualifying purchase, among inactive customers;
    - payment_risk: an invoice due in the period (after the back-test date, before the
      as-of date) paid after its due date or not in full by the as-of date, among
      customers scored with such an invoice;
    - recovery: every invoice overdue (unpaid or part paid) on the back-test date paid in
      full by the as-of date, among risky debtors scored with money overdue then.
    Payment risk and recovery are scored as of the back-test date from the billing state
    then (int_invoices_settled, date_role 'backtest'), the outcomes read from the state on
    the as-of date (date_role 'scoring'). -#}

with

dates as (

    select
        max(case when date_role = 'backtest' then reference_date end) as backtest_date,
        max(case when date_role = 'scoring' then reference_date end) as scoring_date
    from {{ ref('int_score_dates') }}

),

later_activity as (

    select activity.*
    from {{ ref('int_customer_activity_daily') }} as activity
    cross join dates
    where
        activity.activity_date > dates.backtest_date
        and activity.activity_date <= dates.scoring_date

),

engaged as (

    select distinct customer_id from later_activity
    where interaction_type in ('session', 'email_opened', 'email_clicked')

),

purchased as (

    select distinct customer_id from later_activity
    where interaction_type = 'purchase'

),

category_purchased as (

    select distinct
        customer_id,
        category
    from later_activity
    where interaction_type = 'category_purchase'

),

invoices as (

    select * from {{ ref('int_invoices_settled') }}
    where rejection_reason is null

),

billing_scores as (

    select distinct
        score_name,
        customer_id,
        score
    from {{ ref('int_score_points') }}
    where date_role = 'backtest' and score_name in ('payment_risk', 'recovery')

),

paid_late_or_not as (

    -- invoices due in the period, as they stood on the as-of date
    select
        invoices.customer_id,
        max(case when invoices.payment_status = 'paid_on_time' then 0 else 1 end) as had_outcome
    from invoices
    cross join dates
    where
        invoices.date_role = 'scoring'
        and invoices.due_date > dates.backtest_date
        and invoices.due_date < dates.scoring_date
    group by invoices.customer_id

),

settled_debt as (

    -- invoices overdue on the back-test date, settled (or not) by the as-of date
    select
        overdue.customer_id,
        min(case when later.settled_date is not null then 1 else 0 end) as had_outcome
    from invoices as overdue
    inner join invoices as later
        on
            overdue.invoice_id = later.invoice_id
            and later.date_role = 'scoring'
    where overdue.date_role = 'backtest' and overdue.payment_status in ('partially_paid', 'unpaid')
    group by overdue.customer_id

),

predictions as (

    select
        'engagement' as score_name,
        'any web session, e-mail open or click' as outcome,
        scores.customer_id,
        scores.engagement_score as score,
        case when engaged.customer_id is not null then 1 else 0 end as had_outcome
    from {{ ref('engagement_scores') }} as scores
    left join engaged on scores.customer_id = engaged.customer_id
    where scores.date_role = 'backtest'
    union all
    select
        'purchase' as score_name,
        'a qualifying purchase' as outcome,
        scores.customer_id,
        scores.purchase_score as score,
        case when purchased.customer_id is not null then 1 else 0 end as had_outcome
    from {{ ref('purchase_scores') }} as scores
    left join purchased on scores.customer_id = purchased.customer_id
    where scores.date_role = 'backtest'
    union all
    select
        'satisfaction' as score_name,
        'a qualifying purchase' as outcome,
        scores.customer_id,
        scores.satisfaction_score as score,
        case when purchased.customer_id is not null then 1 else 0 end as had_outcome
    from {{ ref('satisfaction_scores') }} as scores
    left join purchased on scores.customer_id = purchased.customer_id
    where scores.date_role = 'backtest' and scores.satisfaction_score is not null
    union all
    select
        'cross_sell' as score_name,
        'a purchase in the best next category' as outcome,
        scores.customer_id,
        scores.cross_sell_score as score,
        case when category_purchased.customer_id is not null then 1 else 0 end as had_outcome
    from {{ ref('cross_sell_scores') }} as scores
    left join category_purchased
        on
            scores.customer_id = category_purchased.customer_id
            and scores.category = category_purchased.category
    where scores.date_role = 'backtest' and scores.is_best_next_category
    union all
    select
        'reactivation' as score_name,
        'a qualifying purchase' as outcome,
        scores.customer_id,
        scores.reactivation_score as score,
        case when purchased.customer_id is not null then 1 else 0 end as had_outcome
    from {{ ref('reactivation_scores') }} as scores
    left join purchased on scores.customer_id = purchased.customer_id
    where scores.date_role = 'backtest'
    union all
    select
        'payment_risk' as score_name,
        'an invoice due in the period paid late or not in full' as outcome,
        billing_scores.customer_id,
        billing_scores.score,
        paid_late_or_not.had_outcome
    from billing_scores
    inner join paid_late_or_not on billing_scores.customer_id = paid_late_or_not.customer_id
    where billing_scores.score_name = 'payment_risk'
    union all
    select
        'recovery' as score_name,
        'all debt overdue on the back-test date paid in full' as outcome,
        billing_scores.customer_id,
        billing_scores.score,
        settled_debt.had_outcome
    from billing_scores
    inner join settled_debt on billing_scores.customer_id = settled_debt.customer_id
    where billing_scores.score_name = 'recovery'

),

final as (

    select
        -- ids
        predictions.customer_id,

        -- strings
        predictions.score_name,
        predictions.outcome,

        -- numerics
        predictions.score,
        predictions.had_outcome,
        {{ tie_safe_ntile('predictions.score', 10, partition_by='predictions.score_name') }} as score_decile,
        {{ mid_rank('predictions.score', 'predictions.score_name') }} as mid_rank,

        -- dates
        dates.backtest_date,
        dates.scoring_date as outcome_until_date

    from predictions
    cross join dates

)

select * from final
