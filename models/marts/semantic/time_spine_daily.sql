{#- One row per day, for the semantic layer (MetricFlow's time spine): from 1990 (the
    oldest order history seen, CDNOW's 1997, fits) to a year after the as-of date. -#}

with

days as (

    {{ dbt.date_spine(
        'day',
        "cast('1990-01-01' as date)",
        dbt.dateadd('year', 1, as_of_date())
    ) }}

),

final as (

    select cast(date_day as date) as date_day
    from days

)

select * from final
