-- Every published probability is calibrated: in the back-test, no band of at least
-- calibration_min_band_customers customers has a mean prediction off the observed rate
-- (or mean) by more than max(5 points, 25% of the observed), the defaults of var
-- calibration_tolerance (probability_calibration). On the demo data a failure is a defect
-- (an error); on your own data a finding (a warning); var calibration_severity overrides.
{{ config(
    enabled=lifetime_models_enabled(),
    severity=finding_severity(var('calibration_severity')),
) }}

select
    score_name,
    band_label,
    backtest_date,
    customers,
    mean_predicted,
    observed,
    calibration_gap,
    tolerance
from {{ ref('probability_calibration') }}
where is_off_calibration
