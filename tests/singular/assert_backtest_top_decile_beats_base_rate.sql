-- Every behaviour score must predict: in the back-test, customers in the top decile by
-- score have the outcome more often than customers overall. Checked where the back-test
-- is large enough to mean something (200 customers, 5 with the outcome). On the demo data
-- a failure is a defect (an error); on your own data it is a finding (a warning).
{{ config(severity=finding_severity()) }}

select
    score_name,
    customers,
    customers_with_outcome,
    base_rate,
    top_decile_rate
from {{ ref('score_backtest') }}
where
    customers >= 200
    and customers_with_outcome >= 5
    and (top_decile_rate is null or top_decile_rate <= base_rate)
