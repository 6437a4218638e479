{#- Payment risk per customer with invoices or proceedings, as of the as-of date, 0-100:
    late payments, days late, unpaid share and insolvency proceedings
    (int_payment_risk_levels), weighted in int_score_points. requires_prepayment: ask these
    customers for a guarantee, when
    - they are in receivership or liquidation, whatever their points (insolvency forces
      prepayment; in safeguard too when var prepayment_on_safeguard is true), or
    - the score reaches var prepayment_threshold.
    prepayment_reason says which, in words. -#}
{%- set on_safeguard = var('prepayment_on_safeguard', false) -%}
{%- if on_safeguard is not boolean -%}
    {{ exceptions.raise_compiler_error("prepayment_on_safeguard must be true or false; got '" ~ on_safeguard ~ "'.") }}
{%- endif -%}
{%- set forcing = ['receivership', 'liquidation'] + (['safeguard'] if on_safeguard else []) -%}
{%- set forcing_list = "'" ~ forcing | join("', '") ~ "'" -%}

with

levels as (

    select * from {{ ref('int_payment_risk_levels') }}
    -- the back-test date's scores feed score_backtest, from int_score_points
    where date_role = 'scoring'

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
        most_severe_proceeding,
        most_severe_proceeding_date,
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
        last_proceeding_date, most_severe_proceeding, most_severe_proceeding_date, mean_days_late,
        proceedings_severity

),

decided as (

    select
        *,
        coalesce(most_severe_proceeding in ({{ forcing_list }}), false) as is_forced_by_proceeding,
        payment_risk_score >= {{ prepayment_threshold() }} as is_over_threshold
    from final

)

select
    date_role,
    reference_date,
    customer_id,
    invoices,
    due_invoices,
    late_invoices,
    overdue_amount,
    last_proceeding_date,
    most_severe_proceeding,
    most_severe_proceeding_date,
    late_payments_level,
    mean_days_late,
    days_late_level,
    unpaid_share_level,
    proceedings_level,
    payment_risk_score,
    late_payments_points,
    days_late_points,
    unpaid_share_points,
    proceedings_points,
    payment_risk_top_factor,
    is_forced_by_proceeding or is_over_threshold as requires_prepayment,
    case
        when is_forced_by_proceeding then {{ dbt.concat([
            "'in '", "most_severe_proceeding", "' since '",
            "cast(most_severe_proceeding_date as " ~ dbt.type_string() ~ ")",
            "': insolvency proceedings force prepayment whatever the score'",
        ]) }}
        when is_over_threshold then {{ dbt.concat([
            "'payment risk score '", rounded_text('payment_risk_score', 2),
            "' at or above prepayment_threshold " ~ prepayment_threshold() ~ "'",
        ]) }}
    end as prepayment_reason
from decided
