with

checked as (

    select * from {{ ref('base_campaigns__campaign_assignments') }}

),

final as (

    select
        -- ids
        source_row_number,
        campaign_id,
        customer_id,

        -- strings
        assignment_group,

        -- booleans
        assignment_group = 'control' as is_control

    from checked
    where rejection_reason is null

)

select * from final
