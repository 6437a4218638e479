{#- Reactivation per customer and score date, 0-100, for inactive customers: at least one
    qualifying purchase, none for more than reactivation_inactive_days. Ranks them by
    what they were worth (net amount, orders), the engagement they kept (sessions,
    e-mail opens and clicks, decayed) and how recently they lapsed
    (var reactivation_criteria). Active customers and those who never bought have no
    reactivation score (null). -#}
{%- set settings = score_settings('reactivation') -%}
{%- set inactive_days = reactivation_inactive_days() -%}

with

population as (

    {{ customers_on_reference_dates() }}

),

purchase_history as (

    select
        date_role,
        customer_id,
        sum(interaction_count) as orders,
        sum(value_sum) as net_amount,
        min(days_before) as days_since_last_purchase
    from ({{ activity_before_reference_dates() }}) as all_activity
    where interaction_type = 'purchase'
    group by date_role, customer_id

),

engagement as (

    select
        date_role,
        customer_id,
        {{ decayed_sum(['session', 'email_opened', 'email_clicked'], settings.remaining_engagement.half_life_days) }}
            as remaining_engagement_decayed
    from ({{ activity_before_reference_dates(score_lookback_days()) }}) as recent_activity
    where interaction_type in ('session', 'email_opened', 'email_clicked')
    group by date_role, customer_id

),

levels as (

    select
        population.date_role,
        population.reference_date,
        population.customer_id,
        purchase_history.orders as orders_before,
        cast(purchase_history.net_amount as decimal(18, 2)) as net_amount_before,
        purchase_history.days_since_last_purchase,
        coalesce(purchase_history.days_since_last_purchase > {{ inactive_days }}, false) as is_inactive,
        coalesce(engagement.remaining_engagement_decayed, 0) as remaining_engagement_decayed,
        {{ saturating('greatest(purchase_history.net_amount, 0)', settings.past_value.saturation) }} as past_value_level,
        {{ saturating('purchase_history.orders', settings.past_orders.saturation) }} as past_orders_level,
        {{ saturating('engagement.remaining_engagement_decayed', settings.remaining_engagement.saturation) }}
            as remaining_engagement_level,
        {{ inactive_days }} / cast(greatest(purchase_history.days_since_last_purchase, 1) as {{ dbt.type_float() }})
            as lapse_recency_level
    from population
    inner join purchase_history
        on
            population.date_role = purchase_history.date_role
            and population.customer_id = purchase_history.customer_id
    left join engagement
        on
            population.date_role = engagement.date_role
            and population.customer_id = engagement.customer_id
    where purchase_history.days_since_last_purchase > {{ inactive_days }}

),

final as (

    select
        *,
        {{ score_outputs('reactivation', settings) }}
    from levels

)

select * from final
