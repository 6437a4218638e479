{#- Who is inside each segment: for every RFM segment (customers without one are shown as
    'No purchase yet' or 'No purchase in window'), the customers of each value of each
    profile attribute, with their share of the segment, revenue and average scores.
    Attributes: socio-demographic (customer type, gender, age band, housing), geographic
    (country, region, town size), behavioural (value tier, engagement band, acquisition
    channel), psychographic (preference-centre interests) and B2B (sector, company size).
    A customer has one value per attribute, except interests (none or several).
    Long format, one row per segment, attribute and value: filter on profile_attribute in BI. -#}
{%- set attributes = [
    'customer_type', 'gender', 'age_band', 'housing_type', 'country', 'region', 'town_size',
    'value_tier', 'engagement_band', 'acquisition_channel', 'company_sector', 'company_size',
] -%}

with

scores as (

    select * from {{ ref('customer_scores') }}

),

customers as (

    select * from {{ ref('dim_customers') }}

),

interests as (

    select distinct
        customer_id,
        interest
    from {{ ref('stg_crm__customer_interests') }}
    where updated_at is null or cast(updated_at as date) <= {{ as_of_date() }}

),

profiled as (

    select
        scores.customer_id,
        coalesce(
            scores.segment,
            case when scores.rfm_status = 'no_purchase_yet' then 'No purchase yet' else 'No purchase in window' end
        ) as segment,
        scores.customer_type,
        coalesce(customers.gender, 'unknown') as gender,
        customers.age_band,
        coalesce(customers.housing_type, 'unknown') as housing_type,
        coalesce(customers.country, 'unknown') as country,
        coalesce(customers.region, 'unknown') as region,
        coalesce(customers.town_size, 'unknown') as town_size,
        coalesce(scores.value_tier, 'none') as value_tier,
        case
            when scores.engagement_score >= 60 then 'high (60-100)'
            when scores.engagement_score >= 30 then 'medium (30-60)'
            when scores.engagement_score > 0 then 'low (0-30)'
            else 'none (0)'
        end as engagement_band,
        coalesce(customers.acquisition_channel, 'unknown') as acquisition_channel,
        coalesce(customers.company_sector, 'not a company') as company_sector,
        coalesce(customers.company_size, 'not a company') as company_size,
        coalesce(scores.monetary, 0) as net_revenue,
        scores.rfm_score,
        scores.engagement_score,
        scores.purchase_probability,
        scores.satisfaction_score
    from scores
    inner join customers
        on scores.customer_id = customers.customer_id

),

attribute_values as (

    {%- for attribute in attributes %}
        select
            profiled.*,
            '{{ attribute }}' as profile_attribute,
            cast({{ attribute }} as {{ dbt.type_string() }}) as attribute_value
        from profiled
        union all
    {%- endfor %}
    select
        profiled.*,
        'interest' as profile_attribute,
        coalesce(interests.interest, 'none declared') as attribute_value
    from profiled
    left join interests
        on profiled.customer_id = interests.customer_id

),

segment_sizes as (

    select
        segment,
        count(*) as segment_customers
    from profiled
    group by segment

),

final as (

    select
        -- strings
        attribute_values.segment,
        attribute_values.profile_attribute,
        attribute_values.attribute_value,

        -- numerics
        count(*) as customers,
        cast(round(
            cast(count(*) as {{ dbt.type_numeric() }}) / max(segment_sizes.segment_customers), 4
        ) as decimal(9, 4)) as share_of_segment,
        cast(sum(attribute_values.net_revenue) as decimal(18, 2)) as net_revenue,
        cast(round(avg(attribute_values.rfm_score), 2) as decimal(9, 2)) as avg_rfm_score,
        cast(round(avg(attribute_values.engagement_score), 2) as decimal(9, 2)) as avg_engagement_score,
        cast(round(avg(attribute_values.purchase_probability), 4) as decimal(9, 4)) as avg_purchase_probability,
        cast(round(avg(attribute_values.satisfaction_score), 2) as decimal(9, 2)) as avg_satisfaction_score,

        -- dates
        {{ as_of_date() }} as as_of_date

    from attribute_values
    inner join segment_sizes
        on attribute_values.segment = segment_sizes.segment
    group by attribute_values.segment, attribute_values.profile_attribute, attribute_values.attribute_value

)

select * from final
