-- Churn within a horizon must rise with the time since the last purchase for every
-- customer, one-time buyers included (DOMAIN.md). Among buyers without a repeat purchase
-- (x = 0) on the same date, one who bought longer ago must get a strictly higher
-- probability of no purchase in the horizon (p_no_purchase_holdout, which churn_scores
-- publishes as churn_probability, method bg_nbd_no_purchase or pareto_nbd_no_purchase).
-- 1 - P(alive), used before, gave all of them 0 under BG/NBD and fails here. Any row
-- returned is a pair out of order.
{{ config(enabled=lifetime_models_enabled()) }}

with

one_time as (

    select distinct
        date_role,
        btyd_t,
        p_no_purchase_holdout
    from {{ ref('customer_lifetime_value') }}
    where prediction_status = 'predicted' and btyd_frequency = 0

)

select
    later.date_role,
    later.btyd_t as later_t,
    later.p_no_purchase_holdout as later_churn,
    earlier.btyd_t as earlier_t,
    earlier.p_no_purchase_holdout as earlier_churn
from one_time as later
inner join one_time as earlier
    on
        later.date_role = earlier.date_role
        and later.btyd_t > earlier.btyd_t
where
    later.p_no_purchase_holdout <= earlier.p_no_purchase_holdout
    -- both at 1 to six decimals: no room left to rise
    and earlier.p_no_purchase_holdout < 0.999999
