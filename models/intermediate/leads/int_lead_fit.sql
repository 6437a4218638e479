{#- Fit of each lead against the ideal customer profile: one row per lead and profile
    attribute with the lead's value and its points in seed lead_fit_points (0 when the
    value is not listed or missing). A lead's fit points are the sum of its rows. -#}

with

leads as (

    select * from {{ ref('stg_marketing__leads') }}

),

fit_points as (

    select * from {{ ref('lead_fit_points') }}

),

profile as (

    {%- set attributes = ['lead_type', 'company_sector', 'company_size', 'country', 'region', 'job_role',
                          'seniority', 'lead_source'] %}
    {%- for attribute in attributes %}
        select
            lead_id,
            '{{ attribute }}' as attribute_name,
            {{ loop.index }} as attribute_position,
            cast({{ attribute }} as {{ dbt.type_string() }}) as attribute_value
        from leads
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

),

final as (

    select
        -- ids
        profile.lead_id,

        -- strings
        profile.attribute_name,
        profile.attribute_value,

        -- numerics
        profile.attribute_position,
        coalesce(fit_points.points, 0) as points

    from profile
    left join fit_points
        on
            profile.attribute_name = fit_points.attribute
            and profile.attribute_value = fit_points.value

)

select * from final
