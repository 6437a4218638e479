-- Probabilities of one customer and date must not contradict each other (DOMAIN.md,
-- "Calibration"). Any row returned is a contradiction larger than
-- var probability_tolerance:
-- - buying within prediction_horizon_days (30) is never likelier than buying within
--   btyd_holdout_days (90): purchase_probability <= 1 - churn_probability, where churn is
--   the purchase model's (BG/NBD or Pareto/NBD) chance of no purchase within the 90 days (for subscribers churn is a
--   cancellation, which a purchase does not rule out);
-- - CLV's expected purchases within the 90 days are at least the chance of one or more
--   purchases (E[N] >= P(N >= 1) for a count), and its chance of no purchase is at least
--   the chance the customer is gone (1 - P(alive)).
{{ config(enabled=lifetime_models_enabled()) }}
{%- set tolerance = var('probability_tolerance') -%}

select
    customer_id,
    'scoring' as date_role,
    'purchase_probability (30 days) > 1 - churn_probability (90 days)' as contradiction,
    purchase_probability as left_value,
    1 - churn_probability as right_value
from {{ ref('customer_scores') }}
where
    churn_method in ('bg_nbd_no_purchase', 'pareto_nbd_no_purchase')
    and purchase_probability > 1 - churn_probability + {{ tolerance }}

union all

select
    customer_id,
    date_role,
    '1 - p_no_purchase_holdout > expected_purchases_holdout' as contradiction,
    1 - p_no_purchase_holdout as left_value,
    expected_purchases_holdout as right_value
from {{ ref('customer_lifetime_value') }}
where
    prediction_status = 'predicted'
    and 1 - p_no_purchase_holdout > expected_purchases_holdout + {{ tolerance }}

union all

select
    customer_id,
    date_role,
    '1 - p_alive > p_no_purchase_holdout' as contradiction,
    1 - p_alive as left_value,
    p_no_purchase_holdout as right_value
from {{ ref('customer_lifetime_value') }}
where
    prediction_status = 'predicted'
    and 1 - p_alive > p_no_purchase_holdout + {{ tolerance }}
