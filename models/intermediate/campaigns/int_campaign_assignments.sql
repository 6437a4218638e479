{#- Who each campaign targeted (is_control false) or held out (is_control true), one row
    per campaign and customer: the assignments file first; a campaign without rows there
    takes its audience's members of the audience snapshot of its start date
    (audience_members as of start_date, control flag included). An assignment to a
    campaign the campaigns file does not list gets rejection_reason unknown_campaign
    (quarantined_rows lists it). -#}

with

campaigns as (

    select * from {{ ref('stg_campaigns__campaigns') }}

),

file_assignments as (

    select * from {{ ref('stg_campaigns__campaign_assignments') }}

),

audience_members as (

    select * from {{ ref('audience_members') }}

),

from_file as (

    select
        file_assignments.campaign_id,
        file_assignments.customer_id,
        file_assignments.is_control,
        'assignments_file' as assignment_source,
        file_assignments.source_row_number,
        case when campaigns.campaign_id is null then 'unknown_campaign' end as rejection_reason
    from file_assignments
    left join campaigns
        on file_assignments.campaign_id = campaigns.campaign_id

),

from_audience as (

    select
        campaigns.campaign_id,
        audience_members.customer_id,
        audience_members.is_control,
        'audience_snapshot' as assignment_source,
        cast(null as integer) as source_row_number,
        cast(null as {{ dbt.type_string() }}) as rejection_reason
    from campaigns
    inner join audience_members
        on
            campaigns.audience = audience_members.audience
            and campaigns.start_date = audience_members.as_of_date
    where campaigns.campaign_id not in (select from_file.campaign_id from from_file)

),

final as (

    select * from from_file
    union all
    select * from from_audience

)

select * from final
