{#- The assignments file checked against the campaigns file: one row per assignment row
    kept by staging, with rejection_reason unknown_campaign when the campaigns file does
    not list its campaign (quarantined_rows lists it), null otherwise. -#}

with

campaigns as (

    select * from {{ ref('stg_campaigns__campaigns') }}

),

file_assignments as (

    select * from {{ ref('stg_campaigns__campaign_assignments') }}

),

final as (

    select
        -- ids
        file_assignments.source_row_number,
        file_assignments.campaign_id,
        file_assignments.customer_id,

        -- strings
        file_assignments.assignment_group,
        case when campaigns.campaign_id is null then 'unknown_campaign' end as rejection_reason,

        -- booleans
        file_assignments.is_control

    from file_assignments
    left join campaigns
        on file_assignments.campaign_id = campaigns.campaign_id

)

select * from final
