{#- dbt's relationships test on the rows dated on or before the as-of date: every non-null
    column_name of model whose date_column <= the run's as-of date is a field of `to`. The
    date is read when the test is compiled (macro as_of_date): a `where` config is rendered
    when dbt parses the project, and the run's dates are run-time vars (customer_scoring/
    dbt.py), not known then. -#}
{% test relationships_as_of(model, column_name, to, field, date_column) %}
select child.{{ column_name }}
from {{ model }} as child
left join {{ to }} as parent
    on child.{{ column_name }} = parent.{{ field }}
where
    child.{{ column_name }} is not null
    and parent.{{ field }} is null
    and child.{{ date_column }} <= {{ customer_scoring.as_of_date() }}
{% endtest %}
