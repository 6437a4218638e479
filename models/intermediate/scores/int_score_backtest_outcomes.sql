{#- The one long relation every score's back-test reads: one row per score and customer
    scored as of the back-test date (int_score_dates, prediction_horizon_days before the
    as-of date), with the score then, whether the customer had the score's outcome in the
    following days up to the as-of date, and the one banding step (tie-safe decile by
    score, mid-rank for the AUC). score_backtest summarises it per score,
    score_backtest_deciles per score and decile; purchase_scores calibrates its probability
    and probability_calibration checks it on the purchase rows. Every score is read from
    int_score_points (the customer's best category for cross-sell; customers without a
    score, e.g. satisfaction without feedback, are not back-tested). The outcome, as
    seeds/score_definitions.csv words it (backtest_outcome):
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

{%- set no_category = 'cast(null as ' ~ dbt.type_string() ~ ')' -%}
{#- each score's outcome: the CTE below listing who had it (had_outcome 1); the billing
    scores' CTEs list who did not too (0), and their back-test covers only those customers -#}
{%- set outcome_of = {
    'engagement': 'engaged', 'purchase': 'purchased', 'satisfaction': 'purchased',
    'cross_sell': 'category_purchased', 'reactivation': 'purchased',
    'payment_risk': 'paid_late_or_not', 'recovery': 'settled_debt'} -%}
{%- set outcome_defines_population = ["'payment_risk'", "'recovery'"] -%}

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

    select distinct
        customer_id,
        {{ no_category }} as category,
        1 as had_outcome
    from later_activity
    where interaction_type in ('session', 'email_opened', 'email_clicked')

),

purchased as (

    select distinct
        customer_id,
        {{ no_category }} as category,
        1 as had_outcome
    from later_activity
    where interaction_type = 'purchase'

),

category_purchased as (

    select distinct
        customer_id,
        category,
        1 as had_outcome
    from later_activity
    where interaction_type = 'category_purchase'

),

invoices as (

    select * from {{ ref('int_invoices_settled') }}
    where rejection_reason is null

),

paid_late_or_not as (

    -- invoices due in the period, as they stood on the as-of date
    select
        invoices.customer_id,
        {{ no_category }} as category,
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
        {{ no_category }} as category,
        min(case when later.settled_date is not null then 1 else 0 end) as had_outcome
    from invoices as overdue
    inner join invoices as later
        on
            overdue.invoice_id = later.invoice_id
            and later.date_role = 'scoring'
    where overdue.date_role = 'backtest' and overdue.payment_status in ('partially_paid', 'unpaid')
    group by overdue.customer_id

),

scores as (

    -- one row per score and back-tested customer (int_score_points has one per criterion)
    select distinct
        score_name,
        customer_id,
        category,
        score
    from {{ ref('int_score_points') }}
    where date_role = 'backtest' and is_best_category and score is not null

),

outcomes as (

    {% for score_name, outcome in outcome_of.items() -%}
        select
            '{{ score_name }}' as score_name,
            customer_id,
            category,
            had_outcome
        from {{ outcome }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

predictions as (

    select
        scores.score_name,
        definitions.backtest_outcome as outcome,
        scores.customer_id,
        scores.score,
        coalesce(outcomes.had_outcome, 0) as had_outcome
    from scores
    inner join {{ ref('score_definitions') }} as definitions
        on scores.score_name = definitions.score_name
    left join outcomes
        on
            scores.score_name = outcomes.score_name
            and scores.customer_id = outcomes.customer_id
            and coalesce(scores.category, '') = coalesce(outcomes.category, '')
    where
        outcomes.customer_id is not null
        or scores.score_name not in ({{ outcome_defines_population | join(', ') }})

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
