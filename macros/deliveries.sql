{#- Append-only deliveries (docs/deliveries.md).

    An input path with a wildcard, e.g. transactions_path: 'orders/*.parquet', names a
    folder of deliveries: each file is delivered once, never changed or removed, and a new
    file's name sorts after every file already loaded (daily files named by their date do).
    On DuckDB the input's base model is then incremental: a run reads only the files it has
    not loaded yet, plus the few loaded files holding rows quarantined as date_in_future
    that this run's load_date no longer puts in the future (judged again), so a night
    reads one day, not the history.

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


{% macro delivery_row_number(ordinal, row_in_file) %}
    {#- SQL of a delivery row's source_row_number (see above). -#}
    {{ return('(cast(' ~ ordinal ~ ' as bigint) * 10000000000 + ' ~ row_in_file ~ ')') }}
{% endmacro %}


{% macro delivery_batch(name, incremental) %}
    {#- The files of input `name` this run reads: a list of {file, ordinal, size} in name
        order, after checking the contract against what `this` (its base model) loaded:
        every loaded file must still be there with the size it had (an append-only folder
        never changes a delivered file), and a new file must sort after the last loaded
        one (else it would take the number of a file already loaded). Fails naming the
        file and the setting. incremental: is_incremental() of the base model; false reads
        every file. Empty while dbt parses. -#}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set pattern = customer_scoring.raw_input_path(name) -%}
    {%- set setting = name ~ "_path '" ~ pattern ~ "'" -%}
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
    {%- set sized = run_query('select filename, size from read_blob([' ~ quoted | join(', ') ~ '])') -%}
    {%- set sizes = {} -%}
    {%- for row in sized.rows -%}
        {%- do sizes.update({row[0]: row[1] | int}) -%}
    {%- endfor -%}
    {%- set loaded = {} -%}
    {%- set rejudged = [] -%}
    {%- if incremental -%}
        {#- rows quarantined as date_in_future that this run's load date no longer puts in
            the future (all of them without a load date, when nothing is in the future) -#}
        {%- set load_date = customer_scoring.load_date_iso() -%}
        {%- set due = "rejection_reason = 'date_in_future'" ~ (
            " and cast(ordered_at as date) <= cast('" ~ load_date ~ "' as date)" if load_date else '') -%}
        {%- set state = run_query('select source_file, max(source_file_size), '
            ~ 'max(case when ' ~ due ~ ' then 1 else 0 end) from ' ~ this
            ~ ' group by source_file order by source_file') -%}
        {%- for row in state.rows -%}
            {%- do loaded.update({row[0]: row[1] | int}) -%}
            {%- if row[2] == 1 -%}
                {%- do rejudged.append(row[0]) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set rebuild = " Deliveries are append-only: send corrections as a new file, or rebuild from every file"
        ~ " with `dbt build --full-refresh` (docs/deliveries.md)." -%}
    {%- for file, size in loaded.items() -%}
        {%- if file not in sizes -%}
            {{ exceptions.raise_compiler_error(setting ~ ": " ~ file ~ " was loaded by an earlier run and is gone."
                ~ rebuild) }}
        {%- elif sizes[file] != size -%}
            {{ exceptions.raise_compiler_error(setting ~ ": " ~ file ~ " changed since an earlier run loaded it ("
                ~ size ~ " bytes then, " ~ sizes[file] ~ " now)." ~ rebuild) }}
        {%- endif -%}
    {%- endfor -%}
    {%- set last_loaded = (loaded.keys() | list | sort | last) if loaded else none -%}
    {%- set batch = [] -%}
    {%- for file in files -%}
        {%- if file not in loaded -%}
            {%- if last_loaded is not none and file < last_loaded -%}
                {{ exceptions.raise_compiler_error(setting ~ ": the new file " ~ file ~ " sorts before "
                    ~ last_loaded ~ ", which an earlier run loaded: name deliveries so that each new one"
                    ~ " sorts last (e.g. by date, orders/2026-11-30.parquet)." ~ rebuild) }}
            {%- endif -%}
            {%- do batch.append({'file': file, 'ordinal': loop.index, 'size': sizes[file]}) -%}
        {%- elif file in rejudged -%}
            {%- do batch.append({'file': file, 'ordinal': loop.index, 'size': sizes[file]}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ log(name ~ ': ' ~ files | length ~ ' file(s) delivered, ' ~ loaded | length ~ ' loaded before, reading '
        ~ batch | length ~ ' (' ~ rejudged | length ~ ' again: rows dated after an earlier load date are due)',
        info=true) }}
    {{ return(batch) }}
{% endmacro %}


{% macro delivery_rows(relation, batch) %}
    {#- The rows of the batch's files (delivery_batch) of a raw input, as raw_source_rows
        gives them (blank rows skipped, copy_number among the batch's rows), with
        source_row_number numbered as above and three more columns: source_file,
        source_file_size (bytes) and row_hash (hash of every column as read, to find copies
        of rows loaded by earlier runs). relation: the model's source(...). -#}
    {%- set reader = customer_scoring.raw_input(relation) -%}
    {%- set quoted = [] -%}
    {%- for column in customer_scoring.relation_columns(reader).values() -%}
        {%- do quoted.append(adapter.quote(column['name'])) -%}
    {%- endfor -%}
    {%- set files = [] -%}
    {%- set ordinals = [] -%}
    {%- for delivery in batch -%}
        {%- do files.append(customer_scoring.sql_string(delivery.file)) -%}
        {%- do ordinals.append('(' ~ customer_scoring.sql_string(delivery.file) ~ ', ' ~ delivery.ordinal
            ~ ', ' ~ delivery.size ~ ')') -%}
    {%- endfor -%}
    {%- if not batch -%}
        {%- set read = 'select ' ~ quoted | join(', ') ~ ', cast(null as bigint) as source_row_number, '
            ~ 'cast(null as varchar) as source_file, cast(null as bigint) as source_file_size from '
            ~ reader ~ ' where 1 = 0' -%}
    {%- else -%}
        {%- set text = reader | string -%}
        {%- set listed = '[' ~ files | join(', ') ~ ']' -%}
        {%- if text.startswith('read_parquet(') -%}
            {%- set scan = 'read_parquet(' ~ listed ~ ', filename = true, file_row_number = true)' -%}
            {%- set row_in_file = 'file_row_number + 1' -%}
        {%- else -%}
            {#- delimited text has no file_row_number: the scan keeps file order and row order
                (preserve_insertion_order), so a row's place in its file is its place in the
                scan less that of its file's first row -#}
            {%- set path = customer_scoring.sql_string(customer_scoring.raw_input_path(relation.identifier)) -%}
            {%- set scan = '(select *, row_number() over () as scan_row_number from '
                ~ text.replace(path, listed, 1)[:-1] ~ ', filename = true))' -%}
            {%- set row_in_file = 'scan_row_number - min(scan_row_number) over (partition by filename) + 1' -%}
        {%- endif -%}
        {%- set read = 'select ' ~ quoted | join(', ') ~ ', '
            ~ customer_scoring.delivery_row_number('files.ordinal', row_in_file) ~ ' as source_row_number, '
            ~ 'files.source_file, files.source_file_size from ' ~ scan ~ ' as scanned '
            ~ 'inner join (values ' ~ ordinals | join(', ') ~ ') as files (source_file, ordinal, source_file_size) '
            ~ 'on scanned.filename = files.source_file' -%}
    {%- endif -%}
    {%- set numbered = 'select *, hash(' ~ quoted | join(', ') ~ ') as row_hash from (' ~ read
        ~ ') as read_rows where not ' ~ customer_scoring.is_blank_row(quoted) -%}
    {{ return(customer_scoring.with_copy_number(numbered, quoted)) }}
{% endmacro %}
