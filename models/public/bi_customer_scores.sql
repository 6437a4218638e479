{{ config(alias='customer_scores') }}
{#- customer_scores for BI: the raw customer_id replaced by the pseudonymous customer_key. -#}

with

customer_scores as (

    select * from {{ ref('customer_scores') }}

),

final as (

    select
        {{ pseudonymous_key('customer_id') }} as customer_key,
        customer_type,
        rfm_status,
        rfm_code,
        segment,
        value_tier,
        engagement_top_factor,
        purchase_top_factor,
        satisfaction_top_factor,
        best_next_category,
        cross_sell_top_factor,
        reactivation_top_factor,
        purchase_probability_basis,
        prepayment_reason,
        profiling_status,
        churn_method,
        churn_risk_band,
        churn_reason,
        clv_status,
        payment_risk_top_factor,
        recovery_top_factor,
        recency_days,
        frequency,
        monetary,
        r_score,
        f_score,
        m_score,
        rfm_score,
        engagement_score,
        purchase_score,
        purchase_probability,
        satisfaction_score,
        cross_sell_score,
        reactivation_score,
        churn_probability,
        p_alive,
        expected_purchases,
        expected_order_value,
        clv,
        payment_risk_score,
        overdue_amount,
        recovery_score,
        is_inactive,
        requires_prepayment,
        has_email_opt_in,
        has_profiling_consent,
        as_of_date
    from customer_scores

)

select * from final
