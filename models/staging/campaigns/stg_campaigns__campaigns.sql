with

checked as (

    select * from {{ ref('base_campaigns__campaigns') }}

),

final as (

    select
        -- ids
        source_row_number,
        campaign_id,

        -- strings
        campaign_name,
        channel,
        audience,
        offer,

        -- dates
        start_date,
        coalesce(end_date, start_date) as end_date

    from checked
    where rejection_reason is null

)

select * from final
