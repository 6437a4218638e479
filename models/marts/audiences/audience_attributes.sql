{#- Every field of the audience rule language (macro audience_fields) of every scored
    customer, one row per customer, field and value: text fields in text_value, number
    fields in number_value with their decile among the customers who have a value (10 =
    highest, ties share a decile: tie_safe_ntile). Interests give one row per topic.
    Customers without a value for a field have no row for it: no rule on it is met. -#}
{%- set fields = audience_fields() -%}

with

scores as (

    select * from {{ ref('customer_scores') }}

),

customers as (

    select * from {{ ref('dim_customers') }}

),

interests as (

    select * from {{ ref('stg_crm__customer_interests') }}

),

profiles as (

    select
        scores.*,
        customers.gender,
        customers.age_band,
        customers.country,
        customers.region,
        customers.town_size,
        customers.housing_type,
        customers.acquisition_channel,
        customers.company_sector,
        customers.company_size,
        customers.company_headcount
    from scores
    inner join customers
        on scores.customer_id = customers.customer_id

),

long as (

    {% for field, kind in fields.items() if field != 'interest' -%}
        select
            customer_id,
            '{{ field }}' as field,
            {% if kind == 'text' -%}
                cast({{ field }} as {{ dbt.type_string() }}) as text_value,
                cast(null as {{ dbt.type_float() }}) as number_value
            {%- else -%}
                cast(null as {{ dbt.type_string() }}) as text_value,
                cast({{ field }} as {{ dbt.type_float() }}) as number_value
            {%- endif %}
        from profiles
        where {{ field }} is not null
        union all
    {% endfor -%}
    select
        interests.customer_id,
        'interest' as field,
        interests.interest as text_value,
        cast(null as {{ dbt.type_float() }}) as number_value
    from interests
    inner join profiles
        on interests.customer_id = profiles.customer_id

),

final as (

    select
        -- ids
        customer_id,

        -- strings
        field,
        text_value,

        -- numerics
        number_value,
        case
            when number_value is not null
                then {{ tie_safe_ntile('number_value', buckets=10, partition_by='field') }}
        end as decile

    from long

)

select * from final
