{#- Incremental facts with a look-back window.

    A fact built this way (int_orders_netted, its published copy fct_orders, and
    int_customer_activity_daily) recomputes, on each incremental run, every row dated on
    or after its window start:

        window start = (latest date already in the table, up to the reference date)
                       - incremental_lookback_days

    The reference date is load_date when it is set (the nightly run passes it), else the
    as-of date, so rows dated years ahead cannot push the window past today's data. Late
    rows and changes (a return booked against an order of last week) are picked up while
    their date is inside the window; older changes need a full refresh
    (`dbt build --full-refresh`, or `nightly --full-refresh`).

    The strategy replace_window deletes the whole window, and every row whose unique key
    the new batch carries, then inserts the batch, in one transaction. Deleting the
    window, not just the keys of the batch, also removes rows that no longer exist (an
    order whose lines were quarantined since). -#}

{% macro incremental_lookback_days() %}
    {#- Days before the latest loaded date that each incremental run recomputes. -#}
    {%- set days = var('incremental_lookback_days', 7) -%}
    {%- if days is not number or days is boolean or days < 0 or days != (days | int) -%}
        {{ exceptions.raise_compiler_error(
            "incremental_lookback_days must be a whole number of days of at least 0; got '"
            ~ days ~ "'.") }}
    {%- endif -%}
    {{ return(days | int) }}
{% endmacro %}


{% macro incremental_window_start(date_column) %}
    {#- SQL for the first date an incremental run of this model recomputes (see above).
        On an empty table: the earliest date there is. Dispatched. -#}
    {{ return(adapter.dispatch('incremental_window_start', 'customer_scoring')(date_column)) }}
{% endmacro %}

{% macro spark__incremental_window_start(date_column) %}
    {#- Spark (Parquet, no Delta) cannot delete a window: the facts are recomputed whole on
        every run and replace the table (insert_overwrite without partitions; see
        spark__incremental_strategy). Partitioning them by day instead would keep the
        window, but costs a partition per day (a build of the 500-customer demo spent
        3.5 min of its 9 writing the three daily facts that way). -#}
    {{ return("cast('1900-01-01' as date)") }}
{% endmacro %}

{% macro default__incremental_window_start(date_column) %}
    {%- set load_date = customer_scoring.load_date_iso() -%}
    {%- set reference = "cast('" ~ load_date ~ "' as date)" if load_date else customer_scoring.as_of_date() -%}
    {%- set lookback = customer_scoring.incremental_lookback_days() -%}
    {{ return(
        "(select coalesce(cast(" ~ dbt.dateadd('day', -1 * lookback, 'max(' ~ date_column ~ ')') ~ " as date)"
        ~ ", cast('1900-01-01' as date)) from " ~ this
        ~ " where " ~ date_column ~ " <= " ~ reference ~ ")") }}
{% endmacro %}


{% macro in_incremental_window(date_column) %}
    {#- Predicate: the row is in this run's window. Use it both to filter the model's
        input (when is_incremental()) and as the model's incremental_predicates. -#}
    {{ return(date_column ~ " >= " ~ customer_scoring.incremental_window_start(date_column)) }}
{% endmacro %}


{% macro incremental_window_predicate(date_column) %}
    {#- The model's incremental_predicates entry for its window (config() is rendered when
        dbt parses the project, before a run's dates are known: the dates are run-time
        vars, customer_scoring/dbt.py): a marker that the strategy replace_window turns
        into in_incremental_window(date_column) when the model runs. -#}
    {{ return('__in_incremental_window__(' ~ date_column ~ ')') }}
{% endmacro %}


{% macro get_incremental_replace_window_sql(arg_dict) %}
    {#- The markers of incremental_window_predicate become the run's window predicates. -#}
    {%- set predicates = [] -%}
    {%- for predicate in arg_dict['incremental_predicates'] or [] -%}
        {%- set marker = modules.re.fullmatch('__in_incremental_window__\\((\\w+)\\)', predicate) -%}
        {%- do predicates.append(
            customer_scoring.in_incremental_window(marker.group(1)) if marker else predicate) -%}
    {%- endfor -%}
    {%- do arg_dict.update({'incremental_predicates': predicates}) -%}
    {{ return(adapter.dispatch('get_incremental_replace_window_sql', 'customer_scoring')(arg_dict)) }}
{% endmacro %}


{% macro default__get_incremental_replace_window_sql(arg_dict) %}
    {#- Delete the window (incremental_predicates) and the keys of the batch, insert the
        batch. Without a window predicate this would silently become delete+insert, which
        keeps rows that vanished: refuse instead. -#}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set source = arg_dict['temp_relation'] -%}
    {%- set unique_key = arg_dict['unique_key'] -%}
    {%- set predicates = arg_dict['incremental_predicates'] or [] -%}
    {%- if predicates | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            "incremental_strategy replace_window needs incremental_predicates naming the "
            ~ "window (in_incremental_window(date_column)); " ~ target ~ " has none.") }}
    {%- endif -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    delete from {{ target }}
    where
        ({{ predicates | join(') and (') }})
        {%- if unique_key %}
        {%- set keys = [unique_key] if unique_key is string else unique_key %}
        or ({{ keys | join(', ') }}) in (
            select {{ keys | join(', ') }} from {{ source }}
        )
        {%- endif %};

    insert into {{ target }} ({{ columns }})
    select {{ columns }} from {{ source }}
{% endmacro %}


{% macro incremental_strategy(strategy) %}
    {#- The model's incremental strategy on this engine (config(), at parse time):
        replace_window (above) or delete+insert by as_of_date. -#}
    {{ return(adapter.dispatch('incremental_strategy', 'customer_scoring')(strategy)) }}
{% endmacro %}

{% macro default__incremental_strategy(strategy) %}
    {{ return(strategy) }}
{% endmacro %}

{% macro spark__incremental_strategy(strategy) %}
    {#- Spark tables without Delta take no DELETE: dbt-spark offers append and
        insert_overwrite. delete+insert by as_of_date: insert_overwrite on a table
        partitioned by as_of_date (incremental_partition_by) replaces the partition of the
        run's date, exactly. replace_window: the window covers every date on Spark
        (spark__incremental_window_start), and insert_overwrite without partitions
        replaces the whole table with the recomputed facts. -#}
    {{ return('insert_overwrite') }}
{% endmacro %}


{% macro incremental_partition_by(column) %}
    {#- The model's partition_by (config()): the date its incremental runs replace, on
        engines whose strategy replaces partitions (Spark); none elsewhere. -#}
    {{ return(adapter.dispatch('incremental_partition_by', 'customer_scoring')(column)) }}
{% endmacro %}

{% macro default__incremental_partition_by(column) %}
    {{ return(none) }}
{% endmacro %}

{% macro spark__incremental_partition_by(column) %}
    {{ return(column) }}
{% endmacro %}
