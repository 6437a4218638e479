-- CLV's expected purchases (BG/NBD or Pareto/NBD, next prediction_horizon_days) must agree in direction
-- with purchase_probability: grouped by 10-point band of purchase_probability (bands of
-- 200 customers or more, as the calibration test: smaller bands are noise), a higher
-- band never expects fewer purchases on average than a
-- lower one. Any row returned is a pair of bands out of order. On the demo data a failure
-- is a defect (an error); on your own data it is a finding (a warning).
{{ config(
    enabled=lifetime_models_enabled(),
    severity=finding_severity(),
) }}

with

bands as (

    select
        least(cast(floor(purchase_probability * 10) as integer), 9) as probability_band,
        count(*) as customers,
        avg(expected_purchases) as mean_expected_purchases
    from {{ ref('customer_scores') }}
    where expected_purchases is not null and purchase_probability is not null
    group by least(cast(floor(purchase_probability * 10) as integer), 9)
    having count(*) >= 200

)

select
    lower_band.probability_band as lower_band,
    lower_band.mean_expected_purchases as lower_mean_expected_purchases,
    higher_band.probability_band as higher_band,
    higher_band.mean_expected_purchases as higher_mean_expected_purchases
from bands as lower_band
inner join bands as higher_band
    on lower_band.probability_band < higher_band.probability_band
where higher_band.mean_expected_purchases < lower_band.mean_expected_purchases
