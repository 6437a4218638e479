{#- Daily activity (int_customer_activity_daily) known on each score date (int_score_dates):
    one row per score date and activity row on or before it, with days_before = whole days
    from the activity to the reference date (0 on the day itself). The score models decay
    by days_before and keep the last score_lookback_days with days_before < lookback. -#}
{{ config(materialized='view') }}

with

activity as (

    select * from {{ ref('int_customer_activity_daily') }}

),

dates as (

    select * from {{ ref('int_score_dates') }}

),

final as (

    select
        dates.date_role,
        dates.reference_date,
        activity.customer_id,
        activity.interaction_type,
        activity.category,
        activity.interaction_count,
        activity.value_sum,
        activity.activity_date,
        {{ dbt.datediff(
            'activity.activity_date',
            'dates.reference_date',
            'day',
        ) }} as days_before
    from activity
    inner join dates
        on activity.activity_date <= dates.reference_date

)

select * from final
