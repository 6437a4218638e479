{#- Purchase criteria per customer and score date, in long form: one row per score date,
    customer and criterion. Browsing and recent purchases are counts of the last
    score_lookback_days, decayed by the criterion's half-life and put on 0..1 by
    x / (x + saturation) (settings: int_score_settings); measured_value is the decayed
    count. purchase_rhythm is the chance of an order within prediction_horizon_days at the
    pace of all past orders, given how long the customer has been silent: with m the mean
    days between orders ((days from first to last order) / (orders - 1)) and g the days
    since the last order, (1 - exp(-horizon / m)) * exp(-max(0, g - m) / m): the chance of
    an order in the horizon at that pace, times the chance that pace leaves a gap beyond
    the usual one this long (a Poisson pace of one order per m days goes g - m days without
    an order with probability exp(-(g - m) / m)). A customer within one interval of their
    last order keeps the full rhythm; one who stopped fades (at m = 60, silent 180 days:
    x 0.14). 0 with fewer than 2 orders; its measured_value is the mean days between orders.
    orders_before and mean_days_between_orders repeat on every row of a customer. -#}
{%- set horizon = prediction_horizon_days() -%}

with

customers as (

    select * from {{ ref('int_score_customers') }}

),

activity as (

    select * from {{ ref('int_score_activity') }}

),

settings as (

    select * from {{ ref('int_score_settings') }}
    where score_name = 'purchase'

),

-- the interactions each decayed criterion counts
criterion_interactions as (

    select
        counted.criterion,
        counted.interaction_type
    from (
        values
        ('recent_sessions', 'session'),
        ('product_views', 'product_view'),
        ('cart_adds', 'cart_add'),
        ('high_intent_views', 'pricing_view'),
        ('high_intent_views', 'contact_view'),
        ('high_intent_views', 'demo_view'),
        ('recent_purchases', 'purchase')
    ) as counted (criterion, interaction_type)

),

decayed_criteria as (

    select distinct criterion from criterion_interactions

),

decayed as (

    select
        activity.date_role,
        activity.customer_id,
        criterion_interactions.criterion,
        sum(activity.interaction_count * power(0.5, activity.days_before / settings.half_life_days)) as decayed_count
    from activity
    inner join criterion_interactions
        on activity.interaction_type = criterion_interactions.interaction_type
    left join settings
        on criterion_interactions.criterion = settings.criterion
    where activity.days_before < {{ score_lookback_days() }}
    group by activity.date_role, activity.customer_id, criterion_interactions.criterion

),

-- every qualifying purchase before the reference date, however old
purchase_history as (

    select
        date_role,
        customer_id,
        sum(interaction_count) as orders,
        {{ dbt.datediff(
            'min(activity_date)',
            'max(activity_date)',
            'day',
        ) }} as purchase_span_days,
        min(days_before) as days_since_last_order
    from activity
    where interaction_type = 'purchase'
    group by date_role, customer_id

),

history as (

    select
        customers.date_role,
        customers.reference_date,
        customers.customer_id,
        coalesce(purchase_history.orders, 0) as orders_before,
        case
            when purchase_history.orders >= 2
                then cast(purchase_history.purchase_span_days as {{ dbt.type_float() }}) / (purchase_history.orders - 1)
        end as mean_days_between_orders,
        case
            when purchase_history.orders >= 2
                then (
                    1 - exp(
                        -1.0 * {{ horizon }} * (purchase_history.orders - 1)
                        / greatest(purchase_history.purchase_span_days, 1)
                    )
                ) * exp(
                    -1.0 * greatest(
                        1.0 * purchase_history.days_since_last_order * (purchase_history.orders - 1)
                        / greatest(purchase_history.purchase_span_days, 1) - 1,
                        0
                    )
                )
            else 0
        end as purchase_rhythm_level
    from customers
    left join purchase_history
        on
            customers.date_role = purchase_history.date_role
            and customers.customer_id = purchase_history.customer_id

),

decayed_levels as (

    select
        history.date_role,
        history.reference_date,
        history.customer_id,
        decayed_criteria.criterion,
        history.orders_before,
        history.mean_days_between_orders,
        coalesce(decayed.decayed_count, 0) as measured_value,
        coalesce(decayed.decayed_count, 0) / (coalesce(decayed.decayed_count, 0) + settings.saturation)
            as criterion_level
    from history
    cross join decayed_criteria
    left join settings
        on decayed_criteria.criterion = settings.criterion
    left join decayed
        on
            history.date_role = decayed.date_role
            and history.customer_id = decayed.customer_id
            and decayed_criteria.criterion = decayed.criterion

),

rhythm_levels as (

    select
        date_role,
        reference_date,
        customer_id,
        'purchase_rhythm' as criterion,
        orders_before,
        mean_days_between_orders,
        mean_days_between_orders as measured_value,
        purchase_rhythm_level as criterion_level
    from history

),

final as (

    select
        date_role,
        reference_date,
        customer_id,
        cast(null as {{ dbt.type_string() }}) as category,
        'purchase' as score_name,
        criterion,
        orders_before,
        mean_days_between_orders,
        measured_value,
        criterion_level
    from decayed_levels
    union all
    select
        date_role,
        reference_date,
        customer_id,
        cast(null as {{ dbt.type_string() }}) as category,
        'purchase' as score_name,
        criterion,
        orders_before,
        mean_days_between_orders,
        measured_value,
        criterion_level
    from rhythm_levels

)

select * from final
