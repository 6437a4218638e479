{{ config(alias='lead_funnel') }}
{#- lead_funnel for BI: a stage of fewer than min_cell_size leads keeps its row, with
    is_suppressed and null counts. -#}

with

lead_funnel as (

    select * from {{ ref('lead_funnel') }}

),

final as (

    select
        funnel_stage,
        stage_order,
        {{ unless_small_cell('leads', 'leads') }} as leads,
        {{ unless_small_cell('share_of_created', 'leads') }} as share_of_created,
        as_of_date,
        {{ is_small_cell('leads') }} as is_suppressed
    from lead_funnel

)

select * from final
