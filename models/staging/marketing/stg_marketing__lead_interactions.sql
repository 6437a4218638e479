with

checked as (

    select * from {{ ref('base_marketing__lead_interactions') }}

),

final as (

    select
        -- ids
        source_row_number,
        lead_id,

        -- strings
        interaction_type,

        -- dates
        cast(occurred_at as date) as occurred_date,

        -- timestamps
        occurred_at

    from checked
    where rejection_reason is null

)

select * from final
