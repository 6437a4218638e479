{{ config(enabled=lifetime_models_enabled()) }}
{#- Per buyer and score date: probability alive, expected purchases, expected order value
    and customer lifetime value, from the fits of btyd_fits and the predictions per
    history of btyd_history_predictions (customer_scoring/lifetime.py; on engines without
    Python models, the tables of the lifetime step).
    - btyd_model: the purchase model that predicts (bg_nbd or pareto_nbd), chosen by
      back-test in btyd_fits;
    - p_alive, p_no_purchase_holdout, expected_purchases_horizon,
      expected_purchases_holdout: those of the customer's history, rounded to 6 decimals;
    - expected_average_value: Gamma-Gamma's expected value of a purchase, a weighted mean
      of the population mean p * gamma / (q - 1) and the customer's own mean m with
      weight (q - 1) / (p * x + q - 1) on the population (Fader and Hardie 2013, equation
      5); the population mean for customers without a repeat purchase;
    - expected_spend_holdout: expected_purchases_holdout times that value;
    - clv: expected spend over clv_horizon_months, month by month, discounted at
      clv_monthly_discount_rate: the value times the history's
      discounted_expected_purchases.
    Null with prediction_status fit_* when the chosen purchase model's fit or the
    Gamma-Gamma fit of that date failed: no number is published from a failed fit. -#}

with summary as (

    -- the dates scores are published for (the ones a year before measure the seasonal
    -- index of btyd_fits)
    select * from {{ ref('int_customers_btyd_summary') }}
    where date_role in ('scoring', 'calibration')

),

histories as (

    select * from {{ ref('btyd_history_predictions') }}

),

spend_model as (

    select
        date_role,
        max(case when parameter = 'p' then value end) as p,
        max(case when parameter = 'q' then value end) as q,
        max(case when parameter = 'p' then value end)
        * max(case when parameter = 'gamma' then value end)
        / (max(case when parameter = 'q' then value end) - 1) as population_mean
    from {{ ref('btyd_fits') }}
    where model = 'gamma_gamma'
    group by date_role

),

joined as (

    select
        summary.customer_id,
        summary.date_role,
        summary.reference_date,
        summary.time_unit,
        summary.btyd_frequency,
        summary.btyd_recency,
        summary.btyd_t,
        summary.btyd_monetary_value,
        histories.btyd_model,
        histories.prediction_status,
        histories.p_alive,
        histories.p_no_purchase_holdout,
        histories.expected_purchases_horizon,
        histories.expected_purchases_holdout,
        histories.discounted_expected_purchases,
        spend_model.population_mean,
        -- the population mean's weight in the customer's expected value
        (spend_model.q - 1) / (spend_model.p * summary.btyd_frequency + spend_model.q - 1)
            as population_weight
    -- every customer of the summary, predicted or not (a history the predictions lack
    -- leaves prediction_status null: its not_null test fails)
    from summary
    left join histories
        on
            summary.date_role = histories.date_role
            and summary.btyd_frequency = histories.btyd_frequency
            and summary.btyd_recency = histories.btyd_recency
            and summary.btyd_t = histories.btyd_t
    left join spend_model
        on summary.date_role = spend_model.date_role

),

valued as (

    select
        *,
        case
            when coalesce(prediction_status, '') != 'predicted' then null
            when btyd_frequency > 0
                then population_weight * population_mean
                    + (1 - population_weight)
                    * cast(coalesce(btyd_monetary_value, 0) as {{ dbt.type_float() }})
            else population_mean
        end as expected_average_value
    from joined

),

final as (

    select
        customer_id,
        date_role,
        reference_date,
        time_unit,
        btyd_frequency,
        btyd_recency,
        btyd_t,
        btyd_monetary_value,
        btyd_model,
        prediction_status,
        round(p_alive, 6) as p_alive,
        round(p_no_purchase_holdout, 6) as p_no_purchase_holdout,
        round(expected_purchases_horizon, 6) as expected_purchases_horizon,
        round(expected_purchases_holdout, 6) as expected_purchases_holdout,
        round(expected_average_value, 2) as expected_average_value,
        round(expected_purchases_holdout * expected_average_value, 2) as expected_spend_holdout,
        round(discounted_expected_purchases * expected_average_value, 2) as clv
    from valued

)

select * from final
