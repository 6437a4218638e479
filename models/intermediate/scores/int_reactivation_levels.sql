{#- Reactivation criteria per inactive customer and score date, in long form: one row per
    score date, customer and criterion, for customers with at least one qualifying
    purchase and none for more than reactivation_inactive_days.
    - past_value: net amount spent before lapsing (below 0 counts as 0), put on 0..1 by
      x / (x + saturation);
    - past_orders: qualifying orders before lapsing, x / (x + saturation);
    - remaining_engagement: web sessions, e-mail opens and clicks of the last
      score_lookback_days, decayed by its half-life, x / (x + saturation);
    - lapse_recency: reactivation_inactive_days / days since the last purchase.
    Settings from int_score_settings. measured_value is the amount, orders, decayed count
    or days the level comes from; orders_before, net_amount_before,
    days_since_last_purchase and is_inactive repeat on every row of a customer. -#}
{%- set inactive_days = reactivation_inactive_days() -%}

with

customers as (

    select * from {{ ref('int_score_customers') }}

),

activity as (

    select * from {{ ref('int_score_activity') }}

),

settings as (

    select * from {{ ref('int_score_settings') }}
    where score_name = 'reactivation'

),

criteria as (

    select known.criterion
    from (
        values
        ('past_value'),
        ('past_orders'),
        ('remaining_engagement'),
        ('lapse_recency')
    ) as known (criterion)

),

purchase_history as (

    select
        date_role,
        customer_id,
        sum(interaction_count) as orders,
        sum(value_sum) as net_amount,
        min(days_before) as days_since_last_purchase
    from activity
    where interaction_type = 'purchase'
    group by date_role, customer_id

),

engagement as (

    select
        activity.date_role,
        activity.customer_id,
        sum(activity.interaction_count * power(0.5, activity.days_before / settings.half_life_days)) as decayed_count
    from activity
    left join settings
        on settings.criterion = 'remaining_engagement'
    where
        activity.interaction_type in ('session', 'email_opened', 'email_clicked')
        and activity.days_before < {{ score_lookback_days() }}
    group by activity.date_role, activity.customer_id

),

inactive as (

    select
        customers.date_role,
        customers.reference_date,
        customers.customer_id,
        purchase_history.orders as orders_before,
        cast(purchase_history.net_amount as decimal(18, 2)) as net_amount_before,
        purchase_history.days_since_last_purchase,
        coalesce(purchase_history.days_since_last_purchase > {{ inactive_days }}, false) as is_inactive,
        purchase_history.net_amount,
        coalesce(engagement.decayed_count, 0) as remaining_engagement
    from customers
    inner join purchase_history
        on
            customers.date_role = purchase_history.date_role
            and customers.customer_id = purchase_history.customer_id
    left join engagement
        on
            customers.date_role = engagement.date_role
            and customers.customer_id = engagement.customer_id
    where purchase_history.days_since_last_purchase > {{ inactive_days }}

),

measures as (

    select
        inactive.*,
        criteria.criterion,
        case criteria.criterion
            when 'past_value' then inactive.net_amount
            when 'past_orders' then inactive.orders_before
            when 'remaining_engagement' then inactive.remaining_engagement
            when 'lapse_recency' then inactive.days_since_last_purchase
        end as measured_value,
        case criteria.criterion
            when 'past_value' then greatest(inactive.net_amount, 0)
            when 'past_orders' then inactive.orders_before
            when 'remaining_engagement' then inactive.remaining_engagement
        end as saturated_amount,
        settings.saturation
    from inactive
    cross join criteria
    left join settings
        on criteria.criterion = settings.criterion

),

final as (

    select
        date_role,
        reference_date,
        customer_id,
        cast(null as {{ dbt.type_string() }}) as category,
        'reactivation' as score_name,
        criterion,
        orders_before,
        net_amount_before,
        days_since_last_purchase,
        is_inactive,
        measured_value,
        case
            when criterion = 'lapse_recency'
                then {{ inactive_days }} / cast(greatest(days_since_last_purchase, 1) as {{ dbt.type_float() }})
            else coalesce(saturated_amount, 0) / (coalesce(saturated_amount, 0) + saturation)
        end as criterion_level
    from measures

)

select * from final
