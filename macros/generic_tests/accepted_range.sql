{#- Rows whose column lies outside [min_value, max_value] (either bound optional).
    row_condition limits the rows checked, e.g. "is_scored". -#}
{% test accepted_range(model, column_name, min_value=none, max_value=none, row_condition=none) %}
{%- if min_value is none and max_value is none -%}
    {{ exceptions.raise_compiler_error("accepted_range on " ~ column_name ~ ": give min_value, max_value or both.") }}
{%- endif %}
select *
from {{ model }}
where
    {{ row_condition if row_condition else 'true' }}
    and (
        {{ column_name }} is null
        {%- if min_value is not none %} or {{ column_name }} < {{ min_value }}{% endif %}
        {%- if max_value is not none %} or {{ column_name }} > {{ max_value }}{% endif %}
    )
{% endtest %}
