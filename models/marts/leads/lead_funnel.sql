{#- The lead funnel on the as-of date, each stage inside the one before: leads created,
    scored (those with marketing consent), handed off to sales, converted after the
    hand-off. One row per stage, with its leads and their share of the leads created. -#}

with

lead_scores as (

    select * from {{ ref('lead_scores') }}

),

counted as (

    select
        count(*) as created,
        count(lead_score) as scored,
        count(case when lead_score is not null then handed_off_date end) as handed_off,
        count(case when lead_score is not null and handed_off_date is not null then converted_date end) as converted
    from lead_scores

),

stages as (

    select
        1 as stage_order,
        'created' as funnel_stage,
        created as leads,
        created
    from counted
    union all
    select
        2 as stage_order,
        'scored' as funnel_stage,
        scored as leads,
        created
    from counted
    union all
    select
        3 as stage_order,
        'handed_off' as funnel_stage,
        handed_off as leads,
        created
    from counted
    union all
    select
        4 as stage_order,
        'converted' as funnel_stage,
        converted as leads,
        created
    from counted

),

final as (

    select
        -- strings
        funnel_stage,

        -- numerics
        cast(stage_order as integer) as stage_order,
        cast(leads as bigint) as leads,
        cast(round(cast(leads as {{ dbt.type_numeric() }}) / nullif(created, 0), 4) as decimal(9, 4))
            as share_of_created,

        -- dates
        {{ as_of_date() }} as as_of_date
    from stages

)

select * from final
