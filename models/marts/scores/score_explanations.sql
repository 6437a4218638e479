{#- Why a customer has their score: one row per customer, weighted score (behaviour,
    payment risk, recovery) and criterion on the as-of date, with the criterion's level
    (0..1, before weighting), its weight and the points it adds. The points of a customer's score add up to the score (to within
    rounding of a few hundredths). For cross-sell, the rows explain the best next
    category. Customers without a score (e.g. no feedback for satisfaction) have no rows
    for it. Churn and lifetime value are model outputs, not sums of points: their
    explanation is churn_reason and the model inputs in churn_scores and
    customer_lifetime_value. -#}
{%- set models = {
    'engagement': 'engagement_scores',
    'purchase': 'purchase_scores',
    'satisfaction': 'satisfaction_scores',
    'cross_sell': 'cross_sell_scores',
    'reactivation': 'reactivation_scores',
    'payment_risk': 'payment_risk_scores',
    'recovery': 'recovery_scores',
} -%}

with

{% for score, model in models.items() -%}
    {{ score }} as (

        select * from {{ ref(model) }}
        where
            date_role = 'scoring'
            and {{ score }}_score is not null
            {%- if score == 'cross_sell' %}
                and is_best_next_category
            {%- endif %}

    ),

{% endfor -%}

unioned as (

    {%- for score in models %}
        {%- set settings = score_settings(score) %}
        {%- set outer_loop = loop %}
        {%- for name, spec in settings.items() %}
            select
                customer_id,
                '{{ score }}' as score_name,
                '{{ name }}' as criterion,
                {{ "category" if score == 'cross_sell' else "cast(null as " ~ dbt.type_string() ~ ")" }} as category,
                cast({{ name }}_level as {{ dbt.type_float() }}) as criterion_level,
                cast({{ spec.weight }} as decimal(9, 3)) as weight,
                {{ name }}_points as points,
                {{ score }}_score as score,
                coalesce({{ score }}_top_factor = '{{ name }}', false) as is_top_factor,
                reference_date as as_of_date
            from {{ score }}
            {%- if not (outer_loop.last and loop.last) %}
                union all
            {%- endif %}
        {%- endfor %}
    {%- endfor %}

)

select
    -- ids
    customer_id,

    -- strings
    score_name,
    criterion,
    category,

    -- numerics
    cast(round(cast(criterion_level as {{ dbt.type_numeric() }}), 4) as decimal(9, 4)) as criterion_level,
    weight,
    points,
    score,

    -- booleans
    is_top_factor,

    -- dates
    as_of_date

from unioned
