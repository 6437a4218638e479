{#- How much each lead's profile resembles the best customers' (docs/leads.md, lookalike):
    the best customers are those in the segments of var lead_lookalike_segments
    (customer_segments as of the as-of date) with a CRM profile (stg_crm__customers). For
    each of four attributes - type (B2B/B2C), sector, company size band, country - a lead
    value scores the share of best customers with that value divided by the share of the
    most common value (1 = the best customers' usual value, 0 = none of them; a missing
    value is a value of its own, '(none)'). similarity is the mean over the four, and the
    bonus var lead_lookalike_max_bonus x similarity: never more than the cap. Without a
    customer file or best customers, similarity is 0. -#}

with

leads as (

    select * from {{ ref('stg_marketing__leads') }}

),

segments as (

    select * from {{ ref('customer_segments') }}
    where segment in ({{ lead_lookalike_segments() }})

),

customers as (

    select * from {{ ref('stg_crm__customers') }}

),

{%- set attributes = {'lead_type': 'customer_type', 'company_sector': 'company_sector',
                      'company_size': 'company_size', 'country': 'country'} %}

best_profile as (

    {%- for lead_column, customer_column in attributes.items() %}
        select
            '{{ lead_column }}' as attribute_name,
            coalesce(cast(customers.{{ customer_column }} as {{ dbt.type_string() }}), '(none)') as attribute_value,
            count(*) as best_customers
        from segments
        inner join customers
            on segments.customer_id = customers.customer_id
        group by coalesce(cast(customers.{{ customer_column }} as {{ dbt.type_string() }}), '(none)')
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

),

value_shares as (

    select
        attribute_name,
        attribute_value,
        1.0 * best_customers / max(best_customers) over (partition by attribute_name) as value_similarity
    from best_profile

),

lead_values as (

    {%- for lead_column in attributes %}
        select
            lead_id,
            '{{ lead_column }}' as attribute_name,
            coalesce(cast({{ lead_column }} as {{ dbt.type_string() }}), '(none)') as attribute_value
        from leads
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

),

similarity as (

    select
        lead_values.lead_id,
        sum(coalesce(value_shares.value_similarity, 0)) / {{ attributes | length }} as similarity
    from lead_values
    left join value_shares
        on
            lead_values.attribute_name = value_shares.attribute_name
            and lead_values.attribute_value = value_shares.attribute_value
    group by lead_values.lead_id

),

final as (

    select
        -- ids
        leads.lead_id,

        -- numerics
        round(coalesce(similarity.similarity, 0), 4) as lookalike_similarity,
        round(
            cast({{ lead_lookalike_max_bonus() }} * coalesce(similarity.similarity, 0) as {{ dbt.type_numeric() }}),
            2
        ) as lookalike_bonus

    from leads
    left join similarity
        on leads.lead_id = similarity.lead_id

)

select * from final
