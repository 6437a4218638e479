-- Every rule of seeds/audience_rules.csv names a known audience, a field of the rule
-- language (macro audience_fields), an operator (macro audience_operators) that applies
-- to the field's kind, and a number where the operator compares numbers; every audience
-- has at least one include rule. Each failing row says what to fix (column problem).
{%- set fields = audience_fields() -%}
{%- set operators = audience_operators() -%}
{%- set pairs = [] -%}
{%- for name, kinds in operators.items() -%}
    {%- for kind in kinds -%}{%- do pairs.append((name, kind)) -%}{%- endfor -%}
{%- endfor %}

with

rules as (

    select * from {{ ref('audience_rules') }}

),

audiences as (

    select * from {{ ref('audiences') }}

),

known_fields as (

    {% for name, kind in fields.items() -%}
        select
            '{{ name }}' as field_name,
            '{{ kind }}' as field_kind
        {%- if not loop.last %} union all {% endif %}
    {% endfor %}

),

known_operators as (

    {% for name, kind in pairs -%}
        select
            '{{ name }}' as operator_name,
            '{{ kind }}' as field_kind
        {%- if not loop.last %} union all {% endif %}
    {% endfor %}

),

checked as (

    select
        rules.audience,
        rules.field as rule_field,
        rules.operator as rule_operator,
        rules.value as rule_value,
        audiences.audience as known_audience,
        known_fields.field_kind,
        (
            select count(*) from known_operators
            where known_operators.operator_name = rules.operator
        ) as operator_kinds,
        (
            select count(*) from known_operators
            where known_operators.operator_name = rules.operator and known_operators.field_kind = 'text'
        ) as operator_text_kinds,
        (
            select count(*) from known_operators
            where
                known_operators.operator_name = rules.operator
                and known_operators.field_kind = known_fields.field_kind
        ) as operator_fits
    from rules
    left join audiences
        on rules.audience = audiences.audience
    left join known_fields
        on rules.field = known_fields.field_name

),

problems as (

    select
        audience,
        rule_field,
        rule_operator,
        case
            when known_audience is null
                then 'unknown audience ''' || audience || ''' (not in seeds/audiences.csv)'
            when field_kind is null
                then 'unknown field ''' || rule_field || '''; known fields: {{ fields.keys() | sort | join(", ") }}'
            when operator_kinds = 0
                then
                    'unknown operator ''' || rule_operator
                    || '''; known operators: {{ operators.keys() | sort | join(", ") }}'
            when operator_fits = 0
                then
                    'operator ''' || rule_operator || ''' does not apply to the '
                    || field_kind || ' field ''' || rule_field || ''''
            when
                operator_text_kinds = 0
                and {{ dbt.safe_cast('rule_value', dbt.type_float()) }} is null
                then 'operator ''' || rule_operator || ''' needs a number; got ''' || rule_value || ''''
        end as problem
    from checked

),

included_audiences as (

    select distinct audience from rules
    where rule_type = 'include'

),

without_include as (

    select
        audiences.audience,
        cast(null as {{ dbt.type_string() }}) as rule_field,
        cast(null as {{ dbt.type_string() }}) as rule_operator,
        'audience ''' || audiences.audience || ''' has no include rule (add one to seeds/audience_rules.csv)'
            as problem
    from audiences
    left join included_audiences
        on audiences.audience = included_audiences.audience
    where included_audiences.audience is null

)

select * from problems
where problem is not null
union all
select * from without_include
