{{ config(enabled=lifetime_step_models_enabled(), step_table='lifetime_step_btyd_history_predictions') }}
{#- btyd_history_predictions on engines without dbt Python models (var lifetime_step): the
    table the lifetime step wrote (customer_scoring.lifetime.run_step: the same
    predictions as the Python model python/btyd_history_predictions.py, by the same
    code). -#}
-- depends_on: {{ ref('int_customers_btyd_summary') }}
-- depends_on: {{ ref('int_customers_btyd_first_lives') }}
-- depends_on: {{ ref('btyd_fits') }}

select * from {{ lifetime_step_table() }}
