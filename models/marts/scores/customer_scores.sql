{#- One row per customer as of the as-of date: RFM, segment and value tier beside every
    behaviour score, each with its top contributing factor. The explanation of each score,
    criterion by criterion, is in score_explanations. Personal data stays out: ids and
    scores only, with the consent flags a campaign must respect. Customers who objected to
    profiling (profiling_status objected_to_profiling) keep RFM, value tier, payment risk and
    recovery (accounting and credit management) but have no segment, behaviour score,
    churn or lifetime value. -#}

with

customers as (

    select * from {{ ref('dim_customers') }}

),

rfm as (

    select * from {{ ref('customer_segments') }}

),

rfm_all as (

    select * from {{ ref('customer_rfm') }}

),

engagement as (

    select * from {{ ref('engagement_scores') }}
    where date_role = 'scoring'

),

purchase as (

    select * from {{ ref('purchase_scores') }}
    where date_role = 'scoring'

),

satisfaction as (

    select * from {{ ref('satisfaction_scores') }}
    where date_role = 'scoring'

),

cross_sell as (

    select * from {{ ref('cross_sell_scores') }}
    where date_role = 'scoring' and is_best_next_category

),

reactivation as (

    select * from {{ ref('reactivation_scores') }}
    where date_role = 'scoring'

),

payment_risk as (

    select * from {{ ref('payment_risk_scores') }}

),

recovery as (

    select * from {{ ref('recovery_scores') }}

),

objectors as (

    {{ profiling_objector_ids(ref('int_customer_rights')) }}

),

{% if lifetime_models_enabled() -%}
    churn as (

        select * from {{ ref('churn_scores') }}
        where date_role = 'scoring'

    ),

    lifetime as (

        select * from {{ ref('customer_lifetime_value') }}
        where date_role = 'scoring'

    ),
{%- else -%}
    churn as (

        select
            customer_id,
            'unavailable' as churn_method,
            cast(null as {{ dbt.type_string() }}) as churn_risk_band,
            'lifetime models off (vars python_models and lifetime_step are false)' as churn_reason,
            cast(null as decimal(6, 4)) as churn_probability
        from customers

    ),

    lifetime as (

        select
            customer_id,
            'lifetime_models_off' as prediction_status,
            cast(null as {{ dbt.type_float() }}) as p_alive,
            cast(null as {{ dbt.type_float() }}) as expected_purchases_horizon,
            cast(null as {{ dbt.type_float() }}) as expected_average_value,
            cast(null as {{ dbt.type_float() }}) as clv
        from customers

    ),
{%- endif %}

final as (

    select
        -- ids
        customers.customer_id,

        -- strings
        customers.customer_type,
        rfm_all.rfm_status,
        rfm_all.rfm_code,
        rfm.segment,
        rfm_all.value_tier,
        engagement.engagement_top_factor,
        purchase.purchase_top_factor,
        satisfaction.satisfaction_top_factor,
        cross_sell.category as best_next_category,
        cross_sell.cross_sell_top_factor,
        reactivation.reactivation_top_factor,
        case
            when objectors.customer_id is not null then 'objected_to_profiling'
            when purchase.purchase_probability_status = 'no_backtest_customers' then 'no_backtest_customers'
            when
                churn.churn_method in ('bg_nbd_no_purchase', 'pareto_nbd_no_purchase')
                and purchase.purchase_probability > 1 - churn.churn_probability
                then 'capped_at_purchase_chance_within_churn_horizon'
            else 'score_band'
        end as purchase_probability_basis,
        case when objectors.customer_id is not null then 'unavailable' else churn.churn_method end as churn_method,
        churn.churn_risk_band,
        case when objectors.customer_id is not null then 'objected to profiling' else churn.churn_reason end
            as churn_reason,
        case
            when objectors.customer_id is not null then 'objected_to_profiling'
            else coalesce(lifetime.prediction_status, 'no_purchase_yet')
        end as clv_status,
        case when objectors.customer_id is not null then 'objected_to_profiling' else 'profiled' end
            as profiling_status,
        payment_risk.payment_risk_top_factor,
        payment_risk.prepayment_reason,
        recovery.recovery_top_factor,

        -- numerics
        rfm_all.recency_days,
        rfm_all.frequency,
        rfm_all.monetary,
        rfm_all.r_score,
        rfm_all.f_score,
        rfm_all.m_score,
        rfm_all.rfm_score,
        engagement.engagement_score,
        purchase.purchase_score,
        -- never likelier within prediction_horizon_days (30) than the model's chance of a
        -- purchase within btyd_holdout_days (90), where churn is that no-purchase chance
        case
            when
                churn.churn_method in ('bg_nbd_no_purchase', 'pareto_nbd_no_purchase')
                and purchase.purchase_probability > 1 - churn.churn_probability
                then cast(1 - churn.churn_probability as decimal(6, 4))
            else purchase.purchase_probability
        end as purchase_probability,
        satisfaction.satisfaction_score,
        cross_sell.cross_sell_score,
        reactivation.reactivation_score,
        churn.churn_probability,
        cast(lifetime.p_alive as decimal(9, 6)) as p_alive,
        cast(lifetime.expected_purchases_horizon as decimal(12, 4)) as expected_purchases,
        cast(lifetime.expected_average_value as decimal(18, 2)) as expected_order_value,
        cast(lifetime.clv as decimal(18, 2)) as clv,
        payment_risk.payment_risk_score,
        payment_risk.overdue_amount,
        recovery.recovery_score,

        -- booleans
        coalesce(reactivation.is_inactive, false) as is_inactive,
        coalesce(payment_risk.requires_prepayment, false) as requires_prepayment,
        customers.has_email_opt_in,
        customers.has_profiling_consent,

        -- dates
        customers.as_of_date

    from customers
    left join rfm_all
        on customers.customer_id = rfm_all.customer_id
    left join rfm
        on customers.customer_id = rfm.customer_id
    left join engagement
        on customers.customer_id = engagement.customer_id
    left join purchase
        on customers.customer_id = purchase.customer_id
    left join satisfaction
        on customers.customer_id = satisfaction.customer_id
    left join cross_sell
        on customers.customer_id = cross_sell.customer_id
    left join reactivation
        on customers.customer_id = reactivation.customer_id
    left join churn
        on customers.customer_id = churn.customer_id
    left join lifetime
        on customers.customer_id = lifetime.customer_id
    left join payment_risk
        on customers.customer_id = payment_risk.customer_id
    left join recovery
        on customers.customer_id = recovery.customer_id
    left join objectors
        on customers.customer_id = objectors.customer_id

)

select * from final
