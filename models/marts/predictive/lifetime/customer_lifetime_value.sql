{{ config(enabled=lifetime_models_enabled()) }}
{#- Per buyer and score date: probability alive, expected purchases, expected order value
    and customer lifetime value, from the fits of btyd_fits and the predictions per
    history of btyd_history_predictions (customer_scoring/lifetime.py; on engines without
    Python models, the tables of the lifetime step).
    - btyd_model: the purchase model that predicts (bg_nbd or pareto_nbd), chosen by
      back-test in btyd_fits;
    - p_alive, p_no_purchase_holdout, expected_purchases_horizon,
      expected_purchases_holdout: those of the customer's history, rounded to 6 decimals
      (on a date whose seasonal index takes the comebacks apart, those of the history's
      comebacks or others, by the customer's first lives);
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

split_dates as (

    -- the dates whose predictions take the comebacks apart (a seasonal index of their
    -- own, btyd_fits), with the silence that makes a comeback
    select distinct
        date_role,
        comeback_gap_days
    from histories
    where comeback_gap_days is not null

),

flagged as (

    -- each customer's side of that split: a first life ended by such a silence (the rule
    -- of customer_scoring/lifetime.py's histories_sql, which predicted it)
    select
        summary.*,
        coalesce(lives.customer_id is not null, false) as is_comeback
    from summary
    left join split_dates
        on summary.date_role = split_dates.date_role
    left join {{ ref('int_customers_btyd_first_lives') }} as lives
        on
            summary.customer_id = lives.customer_id
            and summary.date_role = lives.date_role
            and split_dates.comeback_gap_days = lives.comeback_gap_days

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
        flagged.customer_id,
        flagged.date_role,
        flagged.reference_date,
        flagged.time_unit,
        flagged.btyd_frequency,
        flagged.btyd_recency,
        flagged.btyd_t,
        flagged.btyd_monetary_value,
        histories.btyd_model,
        histories.prediction_status,
        histories.p_alive,
        histories.p_no_purchase_holdout,
        histories.expected_purchases_horizon,
        histories.expected_purchases_holdout,
        histories.discounted_expected_purchases,
        spend_model.population_mean,
        -- the population mean's weight in the customer's expected value
        (spend_model.q - 1) / (spend_model.p * flagged.btyd_frequency + spend_model.q - 1)
            as population_weight
    -- every customer of the summary, predicted or not (a history the predictions lack
    -- leaves prediction_status null: its not_null test fails)
    from flagged
    left join histories
        on
            flagged.date_role = histories.date_role
            and flagged.btyd_frequency = histories.btyd_frequency
            and flagged.btyd_recency = histories.btyd_recency
            and flagged.btyd_t = histories.btyd_t
            and flagged.is_comeback = histories.is_comeback
    left join spend_model
        on flagged.date_role = spend_model.date_role

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
