{{ config(alias='audience_summary') }}
{#- audience_summary for BI: an audience of fewer than min_cell_size treated customers keeps
    its row, with is_suppressed and null counts and measures (a small audience's expected
    conversions or its control group would show a handful of people). -#}

with

audience_summary as (

    select * from {{ ref('audience_summary') }}

),

final as (

    select
        audience,
        purpose,
        channel,
        {{ unless_small_cell('treated_customers', 'treated_customers') }} as treated_customers,
        {{ unless_small_cell('control_customers', 'treated_customers') }} as control_customers,
        {{ unless_small_cell('suppressed_customers', 'treated_customers') }} as suppressed_customers,
        {{ unless_small_cell('expected_conversions', 'treated_customers') }} as expected_conversions,
        {{ unless_small_cell('expected_revenue', 'treated_customers') }} as expected_revenue,
        {{ unless_small_cell('entered_customers', 'treated_customers') }} as entered_customers,
        {{ unless_small_cell('left_customers', 'treated_customers') }} as left_customers,
        as_of_date,
        previous_as_of_date,
        {{ is_small_cell('treated_customers') }} as is_suppressed
    from audience_summary

)

select * from final
