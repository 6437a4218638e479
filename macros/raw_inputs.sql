{#- Raw inputs are files (demo or bring-your-own) read through dbt sources. -#}

{% macro raw_input_path(name) %}
    {#- Path of a raw input, or none when the run has no such input.
        Demo mode (no transactions_path set): every input comes from demo_data_dir.
        Bring-your-own mode: an input other than transactions exists only when its
        *_path var is set, so demo files never mix with a user's data. -#}
    {%- set own = var(name ~ '_path', none) -%}
    {%- if own -%}
        {{ return(own | string) }}
    {%- elif name == 'transactions' or not var('transactions_path', none) -%}
        {{ return(var('demo_data_dir', env_var('WAREHOUSE_DEMO_DIR', 'data/demo')) ~ '/' ~ name ~ '.parquet') }}
    {%- endif -%}
    {{ return(none) }}
{% endmacro %}


{% macro relation_columns(relation) %}
    {#- Lower-cased name -> actual name of the columns a relation exposes (at run time). -#}
    {{ return(adapter.dispatch('relation_columns', 'customer_scoring')(relation)) }}
{% endmacro %}

{% macro default__relation_columns(relation) %}
    {%- set found = {} -%}
    {%- if execute -%}
        {%- for column in adapter.get_columns_in_relation(relation) -%}
            {%- do found.update({column.name | lower: column.name}) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(found) }}
{% endmacro %}

{% macro duckdb__relation_columns(relation) %}
    {#- Sources may be table functions (read_csv(...)), so ask DuckDB to describe a query. -#}
    {%- set found = {} -%}
    {%- if execute -%}
        {%- set described = run_query('describe select * from ' ~ relation) -%}
        {%- for row in described.rows -%}
            {%- do found.update({row[0] | lower: row[0]}) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(found) }}
{% endmacro %}


{% macro input_column(columns, name, data_type, required=false, input='input') %}
    {#- The column `name` cast to data_type, or a typed null when the input lacks an optional
        column. A missing required column stops the run with the columns that were found. -#}
    {%- if name in columns -%}
        {{ return(dbt.safe_cast(adapter.quote(columns[name]), data_type)) }}
    {%- elif required and execute and columns -%}
        {{ exceptions.raise_compiler_error(
            input ~ " has no column '" ~ name ~ "'. Columns found: " ~ (columns.values() | join(', '))
            ~ ". Rename the column in the file, or see README 'Bring your own transactions'.") }}
    {%- endif -%}
    {{ return('cast(null as ' ~ data_type ~ ')') }}
{% endmacro %}
