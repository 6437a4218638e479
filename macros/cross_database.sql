{#- Engine shims for dbt's cross-database macros (found first through the `dispatch`
    search order in dbt_project.yml). -#}

{% macro duckdb__safe_cast(field, type) %}
    {#- dbt-duckdb ships no safe_cast, so dbt.safe_cast would be a plain cast that stops the
        whole run on one unparseable value. try_cast gives null instead, and the row is
        quarantined with a reason. -#}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}


{% macro spark__safe_cast(field, type) %}
    {#- dbt-spark's safe_cast is a plain cast, which (ANSI mode, the default of Spark 4) stops
        the run on one unparseable value: try_cast, as on DuckDB. -#}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}


{% macro spark__create_csv_table(model, agate_table) %}
    {#- Spark has no varchar without a length: the seeds' column_types (dbt_project.yml) say
        varchar, which is string here. -#}
    {%- set column_types = model['config'].get('column_types') or {} -%}
    {%- for name, data_type in column_types.items() if data_type | lower == 'varchar' -%}
        {%- do column_types.update({name: 'string'}) -%}
    {%- endfor -%}
    {{ return(dbt.spark__create_csv_table(model, agate_table)) }}
{% endmacro %}


{% macro spark__cast(field, type) %}
    {#- Spark has no varchar without a length: a contract's varchar (models YAML) is
        string here (dbt.cast builds the empty query an enforced contract is compared
        with). -#}
    cast({{ field }} as {{ 'string' if type | trim | lower == 'varchar' else type }})
{%- endmacro %}


{% macro spark__listagg(measure, delimiter_text, order_by_clause, limit_num) %}
    {#- dbt-spark's listagg ignores the order; Spark 4 has listagg ... within group. -#}
    {%- if limit_num -%}
        {{ exceptions.raise_compiler_error("listagg: limit_num is not supported on Spark") }}
    {%- endif -%}
    {%- set sorted = measure | trim -%}
    {%- set by_itself = (order_by_clause or '') | trim | lower == 'order by ' ~ sorted[9:] | trim | lower -%}
    {%- if sorted.startswith('distinct ') and by_itself -%}
        {#- distinct values in their own order: Spark 4.3's listagg(distinct x) within
            group (order by x) fails in its planner (ClassCastException) -#}
        array_join(array_sort(collect_set({{ sorted[9:] }})), {{ delimiter_text }})
    {%- else -%}
        listagg({{ measure }}, {{ delimiter_text }})
        {%- if order_by_clause %} within group ({{ order_by_clause }}){% endif %}
    {%- endif -%}
{%- endmacro %}


{% macro spark__load_csv_rows(model, agate_table) %}
    {#- dbt-spark's session method puts seed values into the insert unescaped (a quote in
        a description breaks the statement): the values as escaped literals instead. -#}
    {%- set column_override = model['config'].get('column_types') or {} -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set rows = [] -%}
        {%- for row in chunk -%}
            {%- set values = [] -%}
            {%- for value in row -%}
                {%- set name = agate_table.column_names[loop.index0] -%}
                {%- set data_type = column_override.get(name, adapter.convert_type(agate_table, loop.index0)) -%}
                {%- if value is none -%}
                    {%- set literal = 'null' -%}
                {%- elif value is sameas true or value is sameas false -%}
                    {%- set literal = value | string | lower -%}
                {%- else -%}
                    {%- set literal = "'" ~ (value | string | replace('\\', '\\\\') | replace("'", "\\'")) ~ "'" -%}
                {%- endif -%}
                {%- do values.append('cast(' ~ literal ~ ' as ' ~ data_type ~ ')') -%}
            {%- endfor -%}
            {%- do rows.append('(' ~ values | join(', ') ~ ')') -%}
        {%- endfor -%}
        {%- set sql = 'insert into ' ~ this.render() ~ ' values ' ~ rows | join(', ') -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- do statements.append(sql) -%}
    {%- endfor -%}
    {{ return(statements[0] if statements else '') }}
{% endmacro %}


{% macro spark__persist_constraints(relation, model) %}
    {#- Parquet tables hold no constraints (ALTER ... SET NOT NULL needs Delta): an
        enforced contract's not_null columns are checked by a query instead, and a null
        fails the model as the constraint would. -#}
    {%- if execute and config.get('contract').enforced -%}
        {%- for column in model.columns.values()
            if column.constraints | selectattr('type', 'equalto', 'not_null') | list -%}
            {%- set nulls = run_query('select count(*) from ' ~ relation ~ ' where '
                ~ adapter.quote(column.name) ~ ' is null').columns[0].values()[0] -%}
            {%- if nulls > 0 -%}
                {{ exceptions.raise_compiler_error(relation ~ '.' ~ column.name ~ ' has ' ~ nulls
                    ~ ' null values; its contract says not_null.') }}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
{% endmacro %}


{% macro rounded_text(expression, digits) %}
    {#- A number as text with a fixed number of decimals, e.g. 12.5, for readable reasons. -#}
    cast(cast({{ expression }} as decimal(18, {{ digits }})) as {{ dbt.type_string() }})
{%- endmacro %}


{% macro duckdb__type_float() %}
    {#- dbt's type_float is `float`, which DuckDB (like Spark) takes as a 4-byte real: about
        7 digits, too few for decayed sums, probabilities and customer ages. Postgres'
        `float` is already 8 bytes. -#}
    double
{%- endmacro %}


{% macro spark__type_float() %}
    double
{%- endmacro %}


{% macro refresh_statistics() %}
    {#- post-hook of every model and seed: fresh planner statistics where the engine does not
        keep them itself. Without them PostgreSQL plans a just-created table as one row
        and picks nested loops: int_invoices_settled took 76 s instead of 0.5 s. -#}
    {{ return(adapter.dispatch('refresh_statistics', 'customer_scoring')()) }}
{% endmacro %}

{% macro default__refresh_statistics() %}
    {{ return('') }}
{% endmacro %}

{% macro postgres__refresh_statistics() %}
    {%- if model.config.materialized in ('table', 'incremental', 'seed') -%}
        {{ return('analyze ' ~ this) }}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}


{% macro mean_to_cents(total, count) -%}
    {#- total / count for a money total (2 decimals) and a whole count, rounded half away
        from zero to the cent, exactly and alike on every engine: DuckDB divides decimals in
        binary floating point (298.09 / 2 = 149.04 there, 149.05 on Spark and PostgreSQL),
        so the division is done in whole cents: floor((2 |cents| + n) / 2n). As in
        tie_safe_ntile, floor() of that quotient is exact on every engine: a quotient that
        is not whole lies at least 1/(2n) from the next whole number, far more than
        double-precision rounding. Null when count is not positive. -#}
    case when {{ count }} > 0 then cast(
        cast(
            (case when {{ total }} < 0 then -1 else 1 end)
            * floor(
                (abs(cast(({{ total }}) * 100 as bigint)) * 2 + ({{ count }}))
                / (2 * ({{ count }}))
            )
            as decimal(18, 0)
        ) * cast(0.01 as decimal(3, 2))
        as decimal(18, 2)
    ) end
{%- endmacro %}
