{#- Building blocks of the behaviour scores (models/intermediate/scores): their settings,
    decayed activity counts and saturation. The weighting itself is weighted_score. -#}

{% macro score_catalogue() %}
    {#- Every behaviour score: what it predicts, and each criterion with the settings it
        needs besides its weight and what it measures. The models in models/marts/scores
        compute exactly these criteria; the score_criteria mart publishes this with the
        weights in force. -#}
    {{ return({
        'engagement': {
            'description': 'Appetence: interactions over time, fading without activity.',
            'criteria': {
                'web_sessions': {'needs': ['half_life_days', 'saturation'], 'description': 'Web sessions, decayed.'},
                'email_opens': {'needs': ['half_life_days', 'saturation'], 'description': 'E-mails opened, decayed.'},
                'email_clicks': {'needs': ['half_life_days', 'saturation'], 'description': 'E-mail links clicked, decayed.'},
                'content_views': {'needs': ['half_life_days', 'saturation'], 'description': 'Blog and content pages viewed, decayed.'},
                'feedback_given': {'needs': ['half_life_days', 'saturation'], 'description': 'Survey answers and reviews given, decayed.'},
            }},
        'purchase': {
            'description': 'Purchase probability in the next prediction_horizon_days: browsing, cart, purchase rhythm.',
            'criteria': {
                'recent_sessions': {'needs': ['half_life_days', 'saturation'], 'description': 'Web sessions, decayed fast.'},
                'product_views': {'needs': ['half_life_days', 'saturation'], 'description': 'Product pages viewed, decayed fast.'},
                'cart_adds': {'needs': ['half_life_days', 'saturation'], 'description': 'Products added to the cart, decayed fast.'},
                'high_intent_views': {'needs': ['half_life_days', 'saturation'], 'description': 'Pricing, contact and demo pages viewed, decayed.'},
                'recent_purchases': {'needs': ['half_life_days', 'saturation'], 'description': 'Qualifying purchases, decayed.'},
                'purchase_rhythm': {'needs': [], 'description': 'Chance of an order within the horizon at the pace of past orders: 1 - exp(-horizon / mean days between orders); 0 with fewer than 2 orders.'},
            }},
        'satisfaction': {
            'description': 'Satisfaction from surveys and reviews; null without any feedback in the lookback.',
            'criteria': {
                'nps': {'needs': ['half_life_days'], 'description': 'NPS category, decayed mean: promoter (9-10) 1, passive (7-8) 0.5, detractor (0-6) 0.'},
                'csat': {'needs': ['half_life_days'], 'description': 'CSAT (1-5), decayed mean, put on 0..1.'},
                'review_stars': {'needs': ['half_life_days'], 'description': 'Review stars (1-5), decayed mean, put on 0..1.'},
            }},
        'cross_sell': {
            'description': 'Propensity to buy a category the customer has not bought yet; the best one is the next best category.',
            'criteria': {
                'category_affinity': {'needs': [], 'description': 'Highest share of buyers of one of the categories the customer bought who also bought this one (co-purchase confidence).'},
                'category_browsing': {'needs': ['half_life_days', 'saturation'], 'description': 'Product views and cart adds in this category, decayed.'},
                'declared_interest': {'needs': [], 'description': '1 when a preference-centre interest maps to this category (seeds/interest_categories.csv).'},
            }},
        'reactivation': {
            'description': 'Worth of a win-back offer, for customers without a purchase for more than reactivation_inactive_days.',
            'criteria': {
                'past_value': {'needs': ['saturation'], 'description': 'Net amount spent before lapsing.'},
                'past_orders': {'needs': ['saturation'], 'description': 'Qualifying orders before lapsing.'},
                'remaining_engagement': {'needs': ['half_life_days', 'saturation'], 'description': 'Web sessions, e-mail opens and clicks since, decayed.'},
                'lapse_recency': {'needs': [], 'description': 'reactivation_inactive_days / days since the last purchase: 1 just lapsed, towards 0 long gone.'},
            }},
        'payment_risk': {
            'description': 'Risk of late or missing payment, from invoices due, payments and insolvency proceedings.',
            'criteria': {
                'late_payments': {'needs': [], 'description': 'Share of due invoices paid late or not (yet) in full.'},
                'days_late': {'needs': ['saturation'], 'description': 'Mean days late of due invoices (open ones: days overdue so far).'},
                'unpaid_share': {'needs': [], 'description': 'Share of the amount due still unpaid.'},
                'proceedings': {'needs': [], 'description': 'Most severe proceeding so far: safeguard 0.5, receivership 0.8, liquidation 1.'},
            }},
        'recovery': {
            'description': 'Among risky debtors (prepayment required or money overdue), the likelihood to settle.',
            'criteria': {
                'partial_payments': {'needs': [], 'description': 'Share of their late or open invoices that received a payment.'},
                'eventually_paid': {'needs': [], 'description': 'Share of their late invoices paid in full in the end.'},
                'recent_payments': {'needs': ['half_life_days', 'saturation'], 'description': 'Payments received, decayed.'},
                'no_proceedings': {'needs': [], 'description': '1 - the severity of their proceedings (1 without any).'},
            }},
    }) }}
{% endmacro %}


{% macro score_settings(score) %}
    {#- The settings of a behaviour score from var(score ~ '_criteria'), checked against
        score_catalogue(). Returns {criterion: {'weight': w, 'half_life_days': h, 'saturation': s}}
        for every implemented criterion; one left out of the var weighs 0. Unknown criteria,
        unknown settings and numbers out of range stop the run with what to write instead. -#}
    {%- set implemented = {} -%}
    {%- for name, spec in customer_scoring.score_catalogue()[score]['criteria'].items() -%}
        {%- do implemented.update({name: spec.needs}) -%}
    {%- endfor -%}
    {%- set var_name = score ~ '_criteria' -%}
    {%- set given = var(var_name, none) -%}
    {%- if given is not mapping -%}
        {{ exceptions.raise_compiler_error(var_name ~ " must be a mapping of criterion -> settings, e.g. {"
            ~ (implemented.keys() | first) ~ ": {weight: 1}}; got '" ~ given ~ "'.") }}
    {%- endif -%}
    {%- set settings = {} -%}
    {%- for name, needs in implemented.items() -%}
        {%- do settings.update({name: {'weight': 0, 'half_life_days': 1, 'saturation': 1}}) -%}
    {%- endfor -%}
    {%- for name, spec in given.items() -%}
        {%- if name not in implemented -%}
            {{ exceptions.raise_compiler_error(var_name ~ ": unknown criterion '" ~ name ~ "'. Known criteria: "
                ~ (implemented.keys() | join(', ')) ~ ".") }}
        {%- endif -%}
        {%- if spec is not mapping -%}
            {{ exceptions.raise_compiler_error(var_name ~ "." ~ name ~ " must be a mapping such as {weight: 1"
                ~ (", " ~ (implemented[name] | join(': 10, ')) ~ ": 10" if implemented[name] else "") ~ "}; got '" ~ spec ~ "'.") }}
        {%- endif -%}
        {%- for key, value in spec.items() -%}
            {%- if key != 'weight' and key not in implemented[name] -%}
                {{ exceptions.raise_compiler_error(var_name ~ "." ~ name ~ ": unknown setting '" ~ key ~ "'. Settings of this criterion: "
                    ~ (['weight'] + implemented[name]) | join(', ') ~ ".") }}
            {%- endif -%}
            {%- if value is not number or value is boolean or value < 0 or (key != 'weight' and value <= 0) -%}
                {{ exceptions.raise_compiler_error(var_name ~ "." ~ name ~ "." ~ key ~ " must be a number "
                    ~ ("of at least 0" if key == 'weight' else "above 0") ~ "; got '" ~ value ~ "'.") }}
            {%- endif -%}
            {%- do settings[name].update({key: value}) -%}
        {%- endfor -%}
        {%- for key in implemented[name] if key not in spec and spec.get('weight', 0) > 0 -%}
            {{ exceptions.raise_compiler_error(var_name ~ "." ~ name ~ " needs " ~ key ~ " (a number above 0).") }}
        {%- endfor -%}
    {%- endfor -%}
    {%- set weights = {} -%}
    {%- for name, spec in settings.items() %}{% do weights.update({name: spec.weight}) %}{% endfor -%}
    {%- if weights.values() | sum <= 0 -%}
        {{ exceptions.raise_compiler_error(var_name ~ ": at least one criterion needs a weight above 0.") }}
    {%- endif -%}
    {{ return(settings) }}
{% endmacro %}


{% macro score_weights(settings) %}
    {#- {criterion: weight} of score_settings(...), for weighted_score. -#}
    {%- set weights = {} -%}
    {%- for name, spec in settings.items() %}{% do weights.update({name: spec.weight}) %}{% endfor -%}
    {{ return(weights) }}
{% endmacro %}


{% macro score_levels(settings) %}
    {#- weighted_score criteria reading the 0..1 column <criterion>_level of each criterion. -#}
    {%- set criteria = {} -%}
    {%- for name in settings %}{% do criteria.update({name: {'expression': name ~ '_level', 'min': 0, 'max': 1}}) %}{% endfor -%}
    {{ return(criteria) }}
{% endmacro %}


{% macro decayed_sum(interaction_types, half_life_days, value='interaction_count') %}
    {#- Sum of `value` over the activity rows of the given interaction types, each row
        weighted 0.5 ^ (days_before / half_life_days): an interaction counts fully on the
        reference date and half as much half_life_days earlier. Rows need days_before
        (whole days from the activity to the reference date, >= 0). -#}
    sum(case when interaction_type in (
        {%- for kind in interaction_types %}'{{ kind }}'{{ ', ' if not loop.last }}{% endfor -%}
    ) then {{ value }} * power(0.5, days_before / {{ half_life_days | float }}) else 0 end)
{%- endmacro %}


{% macro saturating(expression, saturation) %}
    {#- expression >= 0 put on 0..1: x / (x + saturation), half the points at x = saturation. -#}
    ((coalesce({{ expression }}, 0)) / (coalesce({{ expression }}, 0) + {{ saturation | float }}))
{%- endmacro %}


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
        {{ exceptions.raise_compiler_error(name ~ " must be a whole number of days of at least 1; got '" ~ value ~ "'.") }}
    {%- endif -%}
    {{ return(value | int) }}
{% endmacro %}


{% macro activity_before_reference_dates(lookback_days=none) %}
    {#- Daily activity (int_customer_activity_daily) known on each score date
        (int_score_dates), with days_before = whole days from the activity to the reference
        date; only the last lookback_days days when given. -#}
    select
        dates.date_role,
        dates.reference_date,
        activity.customer_id,
        activity.interaction_type,
        activity.category,
        activity.interaction_count,
        activity.value_sum,
        activity.activity_date,
        {{ dbt.datediff('activity.activity_date', 'dates.reference_date', 'day') }} as days_before
    from {{ ref('int_customer_activity_daily') }} as activity
    inner join {{ ref('int_score_dates') }} as dates
        on
            activity.activity_date <= dates.reference_date
            {%- if lookback_days %}
            and activity.activity_date > cast({{ dbt.dateadd('day', -1 * lookback_days, 'dates.reference_date') }} as date)
            {%- endif %}
{%- endmacro %}


{% macro customers_on_reference_dates() %}
    {#- Every customer (dim_customers) known on each score date: one row per date role,
        reference date and customer. -#}
    select
        dates.date_role,
        dates.reference_date,
        customers.customer_id
    from {{ ref('dim_customers') }} as customers
    inner join {{ ref('int_score_dates') }} as dates
        on customers.customer_since_date <= dates.reference_date
{%- endmacro %}


{% macro score_outputs(score, settings, skip_nulls=false) %}
    {#- The score, the points of each criterion and the top factor, as select columns:
        <score>_score, <criterion>_points..., <score>_top_factor. Reads <criterion>_level. -#}
    {%- set criteria = customer_scoring.score_levels(settings) -%}
    {%- set weights = customer_scoring.score_weights(settings) -%}
    {{ customer_scoring.weighted_score(criteria, weights, skip_nulls=skip_nulls) }} as {{ score }}_score,
    {%- for name in settings %}
    {{ customer_scoring.criterion_points(criteria, weights, name, skip_nulls=skip_nulls) }} as {{ name }}_points,
    {%- endfor %}
    {{ customer_scoring.top_factor(criteria, weights, skip_nulls=skip_nulls) }} as {{ score }}_top_factor
{%- endmacro %}


{% macro decayed_columns(settings, interaction_types) %}
    {#- One column <criterion>_decayed per criterion of interaction_types
        ({criterion: [interaction types]}), each a decayed_sum with the criterion's
        half-life from settings. -#}
    {%- set columns = [] -%}
    {%- for name, kinds in interaction_types.items() -%}
        {%- do columns.append(customer_scoring.decayed_sum(kinds, settings[name].half_life_days) ~ ' as ' ~ name ~ '_decayed') -%}
    {%- endfor -%}
    {{ columns | join(',\n        ') }}
{%- endmacro %}


{% macro saturated_columns(settings, names, relation) %}
    {#- For each criterion in names: <criterion>_decayed (0 when there was no activity) and
        <criterion>_level = saturating(decayed, saturation), read from relation. -#}
    {%- set columns = [] -%}
    {%- for name in names -%}
        {%- do columns.append('coalesce(' ~ relation ~ '.' ~ name ~ '_decayed, 0) as ' ~ name ~ '_decayed') -%}
        {%- do columns.append(customer_scoring.saturating(relation ~ '.' ~ name ~ '_decayed', settings[name].saturation) ~ ' as ' ~ name ~ '_level') -%}
    {%- endfor -%}
    {{ columns | join(',\n        ') }}
{%- endmacro %}


{% macro btyd_time_unit() %}
    {#- var btyd_time_unit, checked: day or week. -#}
    {%- set unit = var('btyd_time_unit', 'week') | string | trim | lower -%}
    {%- if unit not in ('day', 'week') -%}
        {{ exceptions.raise_compiler_error("btyd_time_unit must be day or week; got '" ~ unit ~ "'.") }}
    {%- endif -%}
    {{ return(unit) }}
{% endmacro %}


{% macro btyd_unit_days() %}
    {{ return(7.0 if customer_scoring.btyd_time_unit() == 'week' else 1.0) }}
{% endmacro %}
