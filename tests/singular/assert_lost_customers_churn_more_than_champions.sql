-- Segment Lost (bought long ago, little) must churn more, on average, than Champions
-- (bought recently, often): a churn ranking the other way round misleads a marketer
-- sorting by churn_probability. Checked when both segments have 20 customers with a churn
-- probability. On the demo data a failure is a defect (an error); on your own data it is
-- a finding (a warning).
{{ config(
    enabled=lifetime_models_enabled(),
    severity=finding_severity(),
) }}

with

by_segment as (

    select
        avg(case when segment = 'Lost' then churn_probability end) as lost_churn,
        sum(case when segment = 'Lost' then 1 else 0 end) as lost_customers,
        avg(case when segment = 'Champions' then churn_probability end) as champions_churn,
        sum(case when segment = 'Champions' then 1 else 0 end) as champions_customers
    from {{ ref('customer_scores') }}
    where churn_probability is not null

)

select *
from by_segment
where
    lost_customers >= 20
    and champions_customers >= 20
    and lost_churn <= champions_churn
