{{ config(enabled=lifetime_step_models_enabled(), step_table='lifetime_step_btyd_fits') }}
{#- btyd_fits on engines without dbt Python models (var lifetime_step): the table the
    lifetime step wrote (customer_scoring.lifetime.run_step: the same fits as the Python
    model python/btyd_fits.py, by the same code). Read after it in the same run: the
    step runs between a dbt build of everything the fits do not feed and one of the
    rest (python -m customer_scoring lifetime). -#}
-- depends_on: {{ ref('int_customers_btyd_summary') }}
-- depends_on: {{ ref('int_customers_btyd_first_lives') }}

select * from {{ lifetime_step_table() }}
