{#- Validated settings of the behaviour scores. The scores themselves are SQL models
    (models/intermediate/scores, models/marts/scores); their weights, half-lives and
    saturations are data (seeds/score_weights.csv). -#}

{% macro score_weight_set() %}
    {#- The weight set chosen by var score_weight_set, as a quoted SQL string. Whether the
        set exists is data: test assert_score_weight_set_is_known. -#}
    {%- set name = var('score_weight_set', 'standard') -%}
    {%- if name is none or name is not string or (name | trim) == '' -%}
        {{ exceptions.raise_compiler_error(
            "score_weight_set must be the name of a weight set of seeds/score_weights.csv, e.g. standard; got '"
            ~ name ~ "'.") }}
    {%- endif -%}
    {{ return(customer_scoring.sql_string(name | trim)) }}
{% endmacro %}


{% macro prepayment_threshold() %}
    {#- var prepayment_threshold, checked: a payment risk score from 0 to 100. -#}
    {%- set threshold = var('prepayment_threshold', 50) -%}
    {%- if threshold is not number or threshold is boolean or threshold < 0 or threshold > 100 -%}
        {{ exceptions.raise_compiler_error(
            "prepayment_threshold must be a number from 0 to 100; got '" ~ threshold ~ "'.") }}
    {%- endif -%}
    {{ return(threshold) }}
{% endmacro %}


{% macro score_lookback_days() %}
    {{ return(customer_scoring.positive_whole_var('score_lookback_days', 365)) }}
{% endmacro %}


{% macro prediction_horizon_days() %}
    {{ return(customer_scoring.positive_whole_var('prediction_horizon_days', 30)) }}
{% endmacro %}


{% macro reactivation_inactive_days() %}
    {{ return(customer_scoring.positive_whole_var('reactivation_inactive_days', 180)) }}
{% endmacro %}


{% macro positive_whole_var(name, default) %}
    {#- var(name) checked to be a whole number of days of at least 1. -#}
    {%- set value = var(name, default) -%}
    {%- if value is not number or value is boolean or value < 1 or value != (value | int) -%}
        {{ exceptions.raise_compiler_error(
            name ~ " must be a whole number of days of at least 1; got '" ~ value ~ "'.") }}
    {%- endif -%}
    {{ return(value | int) }}
{% endmacro %}


{% macro btyd_time_unit() %}
    {#- var btyd_time_unit, checked: day or week. -#}
    {%- set unit = var('btyd_time_unit', 'week') | string | trim | lower -%}
    {%- if unit not in ('day', 'week') -%}
        {{ exceptions.raise_compiler_error("btyd_time_unit must be day or week; got '" ~ unit ~ "'.") }}
    {%- endif -%}
    {{ return(unit) }}
{% endmacro %}


{% macro btyd_comeback_gap_days() %}
    {#- var btyd_comeback_gap_days, checked: a list of whole numbers of days of at least 1
        (may be empty), without repeats, in increasing order. -#}
    {%- set gaps = var('btyd_comeback_gap_days') -%}
    {%- if gaps is string or gaps is mapping or gaps is not iterable -%}
        {{ exceptions.raise_compiler_error(
            "btyd_comeback_gap_days must be a list of whole numbers of days, e.g. [180, 365] (or []); got '"
            ~ gaps ~ "'.") }}
    {%- endif -%}
    {%- for gap in gaps -%}
        {%- if gap is not number or gap is boolean or gap < 1 or gap != (gap | int) -%}
            {{ exceptions.raise_compiler_error(
                "btyd_comeback_gap_days must list whole numbers of days of at least 1; got '" ~ gap ~ "'.") }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(gaps | map('int') | unique | sort | list) }}
{% endmacro %}


{% macro btyd_unit_days() %}
    {{ return(7.0 if customer_scoring.btyd_time_unit() == 'week' else 1.0) }}
{% endmacro %}


{% macro btyd_duration(start_date, end_date) -%}
    {#- the time from start_date to end_date (dates) in var btyd_time_unit, a float: the
        unit of every recency and age the purchase models read -#}
    (cast({{ dbt.datediff(start_date, end_date, 'day') }} as {{ dbt.type_float() }})
    / {{ customer_scoring.btyd_unit_days() }})
{%- endmacro %}


{% macro btyd_purchase_days(orders) %}
    {#- The purchase days of the buy-till-you-die models, their one definition: per
        customer, each distinct day with a qualifying order of ``orders``
        (ref('int_orders_netted'), given by the model: macros call no ref), and the net
        value of that day's qualifying orders. A query (customer_id, purchase_date,
        day_value) for a CTE. -#}
    select
        customer_id,
        ordered_date as purchase_date,
        sum(net_amount) as day_value
    from {{ orders }}
    where is_qualifying
    group by customer_id, ordered_date
{%- endmacro %}
