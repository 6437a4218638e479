{#- Every customer who meets the rules of an audience (seeds/audience_rules.csv), before
    any suppression: all include rules met, no exclude rule met. With why: the rules met
    and the values they were met on. Rules with an unknown field or operator meet nobody
    (the test assert_audience_rules_are_valid names them). -#}

{%- set numeric_operators = [] -%}
{%- for operator, kinds in audience_operators().items() if 'number' in kinds -%}
    {%- do numeric_operators.append("'" ~ operator ~ "'") -%}
{%- endfor %}

with

audiences as (

    select * from {{ ref('audiences') }}

),

rules as (

    select
        audience,
        rule_type,
        field,
        operator,
        value,
        -- a number only for the numeric operators (PostgreSQL has no safe cast: 'Lost' would fail)
        case
            when operator in ({{ numeric_operators | join(', ') }})
                then cast(value as {{ dbt.type_float() }})
        end as number_value,
        field || ' ' || operator || ' ' || value as rule_text
    from {{ ref('audience_rules') }}

),

attributes as (

    select * from {{ ref('audience_attributes') }}

),

hits as (

    select
        rules.audience,
        rules.rule_type,
        rules.rule_text,
        attributes.customer_id,
        attributes.field,
        coalesce(attributes.text_value, {{ rounded_text('attributes.number_value', 2) }})
        || case
            when rules.operator like 'decile%'
                then ' (decile ' || cast(attributes.decile as {{ dbt.type_string() }}) || ')'
            else ''
        end as value_text
    from rules
    inner join attributes
        on rules.field = attributes.field
    where
        case rules.operator
            when 'eq' then attributes.text_value = rules.value
            when 'ne' then attributes.text_value != rules.value
            when 'in' then position('|' || attributes.text_value || '|' in '|' || rules.value || '|') > 0
            when 'not_in' then position('|' || attributes.text_value || '|' in '|' || rules.value || '|') = 0
            when 'gt' then attributes.number_value > rules.number_value
            when 'gte' then attributes.number_value >= rules.number_value
            when 'lt' then attributes.number_value < rules.number_value
            when 'lte' then attributes.number_value <= rules.number_value
            when 'decile_gte' then attributes.decile >= rules.number_value
            when 'decile_lte' then attributes.decile <= rules.number_value
            else false
        end

),

include_rules as (

    select
        audience,
        count(distinct rule_text) as include_rules
    from rules
    where rule_type = 'include'
    group by audience

),

met as (

    select
        audience,
        customer_id,
        count(distinct rule_text) as rules_met,
        {{ dbt.listagg("distinct rule_text", "'; '", "order by rule_text") }} as rules_met_text,
        {{ dbt.listagg("distinct field || '=' || value_text", "'; '", "order by field || '=' || value_text") }}
            as rule_values
    from hits
    where rule_type = 'include'
    group by audience, customer_id

),

excluded as (

    select distinct
        audience,
        customer_id
    from hits
    where rule_type = 'exclude'

),

final as (

    select
        -- ids
        met.customer_id,

        -- strings
        met.audience,
        audiences.purpose,
        audiences.channel,
        met.rules_met_text as rules_met,
        met.rule_values,

        -- numerics
        audiences.control_share,

        -- booleans
        audiences.excludes_prepayment

    from met
    inner join include_rules
        on met.audience = include_rules.audience
    inner join audiences
        on met.audience = audiences.audience
    left join excluded
        on met.audience = excluded.audience and met.customer_id = excluded.customer_id
    where met.rules_met = include_rules.include_rules and excluded.customer_id is null

)

select * from final
