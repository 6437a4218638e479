-- Every rule of seeds/audience_rules.csv names a known audience, a field of the rule
-- language (macro audience_fields), an operator (macro audience_operators) that applies
-- to the field's kind, and a number where the operator compares numbers; every audience
-- has at least one include rule. Each failing row says what to fix (column problem).
{%- set fields = audience_fields() -%}
{%- set operators = audience_operators() -%}
{%- set pairs = [] -%}
{%- set numeric = [] -%}
{%- for operator, kinds in operators.items() -%}
    {%- for kind in kinds -%}{%- do pairs.append((operator, kind)) -%}{%- endfor -%}
    {%- if kinds == ['number'] -%}{%- do numeric.append(operator) -%}{%- endif -%}
{%- endfor %}

with

rules as (

    select * from {{ ref('audience_rules') }}

),

audiences as (

    select * from {{ ref('audiences') }}

),

known_fields as (

    {% for field, kind in fields.items() -%}
        select '{{ field }}' as field, '{{ kind }}' as kind
        {%- if not loop.last %} union all {% endif %}
    {% endfor %}

),

known_operators as (

    {% for operator, kind in pairs -%}
        select '{{ operator }}' as operator, '{{ kind }}' as kind
        {%- if not loop.last %} union all {% endif %}
    {% endfor %}

),

problems as (

    select
        rules.audience,
        rules.field,
        rules.operator,
        case
            when audiences.audience is null
                then 'unknown audience ''' || rules.audience || ''' (not in seeds/audiences.csv)'
            when known_fields.field is null
                then 'unknown field ''' || rules.field || '''; known fields: {{ fields.keys() | sort | join(", ") }}'
            when not exists (select 1 from known_operators where known_operators.operator = rules.operator)
                then 'unknown operator ''' || rules.operator
                || '''; known operators: {{ operators.keys() | sort | join(", ") }}'
            when not exists (
                select 1 from known_operators
                where known_operators.operator = rules.operator and known_operators.kind = known_fields.kind
            )
                then 'operator ''' || rules.operator || ''' does not apply to the ' || known_fields.kind || ' field '''
                    || rules.field || ''''
            when
                rules.operator in ('{{ numeric | join("', '") }}')
                and {{ dbt.safe_cast('rules.value', dbt.type_float()) }} is null
                then 'operator ''' || rules.operator || ''' needs a number; got ''' || rules.value || ''''
        end as problem
    from rules
    left join audiences
        on rules.audience = audiences.audience
    left join known_fields
        on rules.field = known_fields.field

),

without_include as (

    select
        audiences.audience,
        cast(null as {{ dbt.type_string() }}) as field,
        cast(null as {{ dbt.type_string() }}) as operator,
        'audience ''' || audiences.audience || ''' has no include rule (add one to seeds/audience_rules.csv)'
            as problem
    from audiences
    where not exists (
        select 1 from rules
        where rules.audience = audiences.audience and rules.rule_type = 'include'
    )

)

select * from problems
where problem is not null
union all
select * from without_include
