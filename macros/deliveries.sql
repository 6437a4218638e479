{#- Append-only deliveries (docs/deliveries.md).

    An input path with a wildcard, e.g. transactions_path: 'orders/*.parquet', names a
    folder of deliveries: each file is delivered once, never changed or removed, and a new
    file's name sorts after every file already loaded (daily files named by their date do).
    On DuckDB the input's base model is then incremental: a run reads only the files it has
    not loaded yet, plus the few loaded files with a row whose verdict on the future this
    run's load_date changes (judged again), so a night reads one day, not the history.

    Each row is numbered by its file's position among the pattern's files in name order
    (its ordinal, from 1) and its row in the file:
        source_row_number = ordinal x 10^10 + row in the file (1-based).
    Both stay what they were when the file was first loaded, so a rebuild from scratch
    (--full-refresh) numbers every row as the incremental runs did. -#}

{% macro raw_input_deliveries(name) %}
    {#- True when input `name`'s path is a pattern of files (it holds a '*') and the engine
        loads deliveries incrementally (DuckDB; Spark reads the pattern whole on each run).
        Known when dbt parses: customer_scoring.dbt.parse_time_vars keeps the wildcard in
        the marker that stands for a path. -#}
    {%- set path = var(name ~ '_path', none) -%}
    {{ return(target.type == 'duckdb' and path is not none and '*' in (path | string)) }}
{% endmacro %}


{% macro order_lines_kept_incrementally() %}
    {#- True when int_order_lines_converted is incremental: the transactions are a folder of
        deliveries and the run has neither a customer file nor exchange rates, so a line's
        verdict depends only on the lines of its order (test accounts, unknown customers
        and rates would change lines of any age when those files change). Known when dbt
        parses (whether a path is given is). -#}
    {{ return(customer_scoring.raw_input_deliveries('transactions')
        and customer_scoring.raw_input_path('customers') is none
        and customer_scoring.raw_input_path('exchange_rates') is none) }}
{% endmacro %}


{% macro delivery_rows_per_file() %}
    {#- The most rows a delivered file may have: source_row_number's factor (see above). -#}
    {{ return(10000000000) }}
{% endmacro %}


{% macro delivery_row_number(ordinal, row_in_file) %}
    {#- SQL of a delivery row's source_row_number (see above). -#}
    {{ return('(cast(' ~ ordinal ~ ' as bigint) * ' ~ customer_scoring.delivery_rows_per_file() ~ ' + '
        ~ row_in_file ~ ')') }}
{% endmacro %}


{% macro delivery_ordinal(row_number) %}
    {#- SQL of the file ordinal of a delivery row's source_row_number: delivery_row_number
        undone. -#}
    {{ return('(' ~ row_number ~ ' // ' ~ customer_scoring.delivery_rows_per_file() ~ ')') }}
{% endmacro %}


{% macro delivery_batch(name, loaded_relation) %}
    {#- The files of input `name` this run reads: a list of {file, ordinal, size,
        modified_us} in name order, after checking the contract against what
        `loaded_relation` (its base model, as earlier runs left it) loaded: every loaded
        file must still be there, with the size and the modification time it had (an
        append-only folder never changes a delivered file),
        and at the place in name order it had (a new file that sorts before it would change
        its ordinal, so the numbers of its rows). Fails naming the file and the setting.
        A file that left no row (only a header, only blank rows, or only rows of erased
        customers) is read again by each run, at no cost. loaded_relation: none (a first run,
        or a rebuild) reads every file. Empty while dbt parses. check_deliveries runs it
        before any model, the base model again for its batch. -#}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set pattern = customer_scoring.raw_input_path(name) -%}
    {%- set setting = name ~ "_path '" ~ pattern ~ "'" -%}
    {%- set rebuild = " Deliveries are append-only: send corrections as a new file, or rebuild from every file"
        ~ " with `dbt build --full-refresh` (docs/deliveries.md)." -%}
    {%- set listed = run_query('select file from glob(' ~ customer_scoring.sql_string(pattern) ~ ') order by file') -%}
    {%- set files = listed.columns[0].values() | list -%}
    {%- if files | length == 0 -%}
        {{ exceptions.raise_compiler_error(setting ~ " matches no file: a folder of deliveries needs at least"
            ~ " one file (the path is a pattern, e.g. 'orders/*.parquet').") }}
    {%- endif -%}
    {%- set quoted = [] -%}
    {%- for file in files -%}
        {%- do quoted.append(customer_scoring.sql_string(file)) -%}
    {%- endfor -%}
    {%- set described = run_query('select filename, size, epoch_us(last_modified) from read_blob(['
        ~ quoted | join(', ') ~ '])') -%}
    {%- set found = {} -%}
    {%- for row in described.rows -%}
        {%- do found.update({row[0]: {'size': row[1] | int, 'modified_us': row[2] | int}}) -%}
    {%- endfor -%}
    {%- set ordinals = {} -%}
    {%- for file in files -%}
        {%- do ordinals.update({file: loop.index}) -%}
    {%- endfor -%}
    {%- set loaded = {} -%}
    {%- set due = [] -%}
    {%- if loaded_relation is not none -%}
        {%- set kept = adapter.get_columns_in_relation(loaded_relation) | map(attribute='name') | map('lower')
            | list -%}
        {%- if 'source_file_modified_at' not in kept -%}
            {{ exceptions.raise_compiler_error(setting ~ ": " ~ loaded_relation ~ " was built from one file, or by"
                ~ " an earlier version of the warehouse: rebuild it from the folder once, with"
                ~ " `dbt build --full-refresh` (docs/deliveries.md).") }}
        {%- endif -%}
        {#- files judged again: those with a row whose verdict on the future (quarantined as
            date_in_future or not) differs from this run's load date's (nothing is in the
            future without one). Whatever the other reasons of the row and their order,
            the file is read again; a row refused for an earlier reason and dated in the
            future keeps its file read each run, at little cost -#}
        {%- set load_date = customer_scoring.load_date_iso() -%}
        {%- set in_future = "coalesce(cast(ordered_at as date) > cast('" ~ load_date ~ "' as date), false)"
            if load_date else 'false' -%}
        {%- set is_due = "coalesce(rejection_reason = 'date_in_future', false) != " ~ in_future -%}
        {%- set state = run_query('select source_file, max(source_file_size), '
            ~ 'max(epoch_us(source_file_modified_at)), min(' ~ customer_scoring.delivery_ordinal('source_row_number')
            ~ '), '
            ~ 'max(case when ' ~ is_due ~ ' then 1 else 0 end) from ' ~ loaded_relation
            ~ ' group by source_file order by source_file') -%}
        {%- for row in state.rows -%}
            {%- do loaded.update({row[0]: {'size': row[1] | int, 'modified_us': row[2] | int,
                'ordinal': row[3] | int}}) -%}
            {%- if row[4] == 1 -%}
                {%- do due.append(row[0]) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- for file, then in loaded.items() -%}
        {%- if file not in found -%}
            {{ exceptions.raise_compiler_error(setting ~ ": " ~ file ~ " was loaded by an earlier run and is gone."
                ~ rebuild) }}
        {%- elif found[file].size != then.size or found[file].modified_us != then.modified_us -%}
            {{ exceptions.raise_compiler_error(setting ~ ": " ~ file ~ " changed since an earlier run loaded it ("
                ~ then.size ~ " bytes then, " ~ found[file].size ~ " now; modified at "
                ~ customer_scoring.utc_text(then.modified_us) ~ " then, " ~ customer_scoring.utc_text(
                found[file].modified_us) ~ " now)." ~ rebuild) }}
        {%- endif -%}
        {%- set ordinal = ordinals[file] -%}
        {%- if ordinal != then.ordinal -%}
            {%- set before = [] -%}
            {%- for other in files[:ordinal - 1] if other not in loaded -%}
                {%- do before.append(other) -%}
            {%- endfor -%}
            {%- set cause = ("the new file(s) " ~ before | join(', ') ~ " sort before " ~ file)
                if ordinal > then.ordinal else ("a file before " ~ file ~ " was removed or renamed") -%}
            {{ exceptions.raise_compiler_error(setting ~ ": " ~ cause ~ ", which an earlier run loaded as file "
                ~ then.ordinal ~ " of the folder (now " ~ ordinal ~ "): name deliveries so that each new one"
                ~ " sorts last (e.g. by date, orders/2026-11-30.parquet, then orders/2026-11-30_2.parquet)."
                ~ rebuild) }}
        {%- endif -%}
    {%- endfor -%}
    {%- set batch = [] -%}
    {%- for file in files if file not in loaded or file in due -%}
        {%- do batch.append({'file': file, 'ordinal': ordinals[file], 'size': found[file].size,
            'modified_us': found[file].modified_us}) -%}
    {%- endfor -%}
    {{ log(name ~ ': ' ~ files | length ~ ' file(s) delivered, ' ~ loaded | length ~ ' with rows loaded before; '
        ~ 'reading ' ~ batch | length ~ ' (' ~ due | length ~ ' again: rows to judge against this load date)',
        info=true) }}
    {{ return(batch) }}
{% endmacro %}


{% macro check_deliveries(name) %}
    {#- Before any model (on-run-start, macros/checks.sql): the contract of input `name`'s
        folder of deliveries against its base model as earlier runs left it, so a broken
        folder stops the run before any model, as an unusable file does. Nothing to check
        on a first run or a rebuild (--full-refresh). -#}
    {%- set base = customer_scoring.raw_input_base_model(name) -%}
    {%- set loaded = adapter.get_relation(database=base.database, schema=base.schema,
        identifier=base.alias or base.name) -%}
    {%- if loaded is not none and not flags.FULL_REFRESH -%}
        {%- do customer_scoring.delivery_batch(name, loaded) -%}
    {%- endif -%}
{% endmacro %}


{% macro utc_text(epoch_us) %}
    {#- A time in microseconds since 1970 as 'YYYY-MM-DD HH:MM:SS UTC'. -#}
    {%- set moment = modules.datetime.datetime(1970, 1, 1) + modules.datetime.timedelta(microseconds=epoch_us) -%}
    {{ return(moment.strftime('%Y-%m-%d %H:%M:%S') ~ ' UTC') }}
{% endmacro %}


{% macro delivery_rows(relation, batch) %}
    {#- The rows of the batch's files (delivery_batch) of a raw input, as raw_source_rows
        gives them (blank rows skipped, copy_number among the batch's rows), with
        source_row_number numbered as above and four more columns: source_file,
        source_file_size (bytes), source_file_modified_at (UTC) and row_hash (hash of every
        column as read, to find copies of rows loaded by earlier runs). relation: the
        model's source(...). -#}
    {%- set reader = customer_scoring.raw_input(relation) -%}
    {%- set quoted = [] -%}
    {%- for column in customer_scoring.relation_columns(reader).values() -%}
        {%- do quoted.append(adapter.quote(column['name'])) -%}
    {%- endfor -%}
    {#- no file to read: the same query on the pattern and one made-up file, with no row,
        so the columns and their types are those of a batch -#}
    {%- set files = [] -%}
    {%- set ordinals = [] -%}
    {%- for delivery in batch or [{'file': '', 'ordinal': 0, 'size': 0, 'modified_us': 0}] -%}
        {%- do files.append(customer_scoring.sql_string(delivery.file)) -%}
        {#- typed: VALUES would make small numbers integers, and a run that reads no file
            would change the table's column types -#}
        {%- do ordinals.append('(' ~ customer_scoring.sql_string(delivery.file) ~ ', cast(' ~ delivery.ordinal
            ~ ' as bigint), cast(' ~ delivery.size ~ ' as bigint), cast(make_timestamp(cast('
            ~ delivery.modified_us ~ ' as bigint)) as timestamp))') -%}
    {%- endfor -%}
    {%- set path = customer_scoring.sql_string(customer_scoring.raw_input_path(relation.identifier)) -%}
    {%- set listed = ('[' ~ files | join(', ') ~ ']') if batch else path -%}
    {%- set text = reader | string -%}
    {%- if text.startswith('read_parquet(') -%}
        {%- set scan = 'read_parquet(' ~ listed ~ ', filename = true, file_row_number = true)' -%}
        {%- set row_in_file = 'file_row_number + 1' -%}
    {%- else -%}
        {#- delimited text has no file_row_number: the scan keeps file order and row order
            (preserve_insertion_order), so a row's place in its file is its place in the
            scan less that of its file's first row -#}
        {%- set scan = '(select *, row_number() over () as scan_row_number from '
            ~ text.replace(path, listed, 1)[:-1] ~ ', filename = true))' -%}
        {%- set row_in_file = 'scan_row_number - min(scan_row_number) over (partition by filename) + 1' -%}
    {%- endif -%}
    {%- set read = 'select ' ~ quoted | join(', ') ~ ', '
        ~ customer_scoring.delivery_row_number('files.ordinal', row_in_file) ~ ' as source_row_number, '
        ~ 'files.source_file, files.source_file_size, files.source_file_modified_at from ' ~ scan
        ~ ' as scanned inner join (values ' ~ ordinals | join(', ')
        ~ ') as files (source_file, ordinal, source_file_size, source_file_modified_at) '
        ~ 'on scanned.filename = files.source_file' ~ ('' if batch else ' where false') -%}
    {%- set numbered = 'select *, hash(' ~ quoted | join(', ') ~ ') as row_hash from (' ~ read
        ~ ') as read_rows where not ' ~ customer_scoring.is_blank_row(quoted) -%}
    {{ return(customer_scoring.with_copy_number(numbered, quoted)) }}
{% endmacro %}
