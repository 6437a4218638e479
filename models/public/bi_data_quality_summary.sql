{{ config(alias='data_quality_summary') }}
{#- data_quality_summary for BI: counts of quarantined rows, no customer data. -#}

with

data_quality_summary as (

    select * from {{ ref('data_quality_summary') }}

),

final as (

    select
        source_name,
        rejection_reason,
        quarantined_rows,
        source_rows,
        share_of_source_rows,
        quarantined_amount,
        blank_rows_skipped,
        load_date,
        as_of_date
    from data_quality_summary

)

select * from final
