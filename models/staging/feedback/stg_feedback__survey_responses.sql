with

checked as (

    select * from {{ ref('base_feedback__survey_responses') }}

),

final as (

    select
        -- ids
        source_row_number,
        response_id,
        customer_id,

        -- strings
        survey_type,
        case
            when survey_type != 'nps' then null
            when score >= 9 then 'promoter'
            when score >= 7 then 'passive'
            else 'detractor'
        end as nps_category,

        -- numerics
        cast(score as integer) as score,

        -- dates
        cast(answered_at as date) as answered_date,

        -- timestamps
        answered_at

    from checked
    where rejection_reason is null

)

select * from final
