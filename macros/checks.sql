{#- Checks that run before any model (on-run-start): a bad setting or an unusable input
    file stops the run with a message that says what to do, instead of a failure halfway
    or, worse, wrong scores. -#}

{% macro check_before_run() %}
    {#- on-run-start: the checks, for the commands that build or test models. -#}
    {%- if execute and flags.WHICH in ('build', 'run', 'test', 'snapshot') -%}
        {%- do customer_scoring.check_settings_and_inputs() -%}
        {#- a folder of deliveries against what earlier runs loaded (macros/deliveries.sql):
            here, not in check_raw_inputs, which the nightly command also runs on its own,
            without the build's --full-refresh -#}
        {%- if customer_scoring.raw_input_deliveries('transactions') -%}
            {%- do customer_scoring.check_deliveries('transactions') -%}
        {%- endif -%}
    {%- endif -%}
    select 1 as checked
{% endmacro %}


{% macro check_settings_and_inputs() %}
    {#- Every setting and every raw input file; also run on its own by the validate command
        (dbt run-operation check_settings_and_inputs). -#}
    {%- if execute -%}
        {%- do customer_scoring.check_settings() -%}
        {%- do customer_scoring.check_raw_inputs() -%}
    {%- endif -%}
{% endmacro %}


{% macro check_settings() %}
    {#- The run settings alone (the nightly command tells a configuration error apart from
        an unusable input this way). Score settings are checked when dbt parses. -#}
    {%- if execute -%}
        {%- do customer_scoring.as_of_date_iso() -%}
        {%- do customer_scoring.load_date_iso() -%}
        {%- do customer_scoring.scoring_window_start() -%}
        {%- do customer_scoring.reporting_currency() -%}
        {%- do customer_scoring.max_line_amount() -%}
        {%- do customer_scoring.min_plausible_year() -%}
        {%- do customer_scoring.placeholder_dates() -%}
        {%- do customer_scoring.scientific_notation_pattern() -%}
        {%- do customer_scoring.csv_encoding() -%}
        {%- do customer_scoring.validated_weights(customer_scoring.rfm_criteria(), var('rfm_weights')) -%}
    {%- endif -%}
{% endmacro %}


{% macro raw_inputs() %}
    {#- Every raw input: its contract from the sources YAML (raw_input_contracts): source,
        label, required columns, and the required columns that are not text, which in a
        CSV file must mostly parse as their type. -#}
    {{ return(customer_scoring.raw_input_contracts()) }}
{% endmacro %}


{% macro check_raw_inputs() %}
    {{ return(adapter.dispatch('check_raw_inputs', 'customer_scoring')()) }}
{% endmacro %}

{% macro default__check_raw_inputs() %}
    {#- Other engines read loaded tables: dbt itself reports a missing table. -#}
{% endmacro %}

{% macro duckdb__check_raw_inputs() %}
    {%- for input in customer_scoring.raw_inputs() -%}
        {%- set path = customer_scoring.raw_input_path(input.name) -%}
        {%- if path -%}
            {%- set label = 'The ' ~ input.label ~ ' ' ~ path -%}
            {%- set literal = customer_scoring.sql_string(path) -%}
            {%- set fix = "Check the var " ~ input.name ~ "_path." if var(input.name ~ '_path', none)
                else "Generate the demo data first: ./run build, or python -m customer_scoring generate." -%}
            {%- if run_query('select count(*) from glob(' ~ literal ~ ')').columns[0].values()[0] == 0 -%}
                {{ exceptions.raise_compiler_error(label ~ " does not exist. " ~ fix) }}
            {%- endif -%}
            {%- if run_query('select min(size) from read_blob(' ~ literal ~ ')').columns[0].values()[0] == 0 -%}
                {{ exceptions.raise_compiler_error(label ~ " is empty (0 bytes). "
                    ~ "Export it again, with a header line and at least one row.") }}
            {%- endif -%}
            {%- set reader = customer_scoring.raw_input(api.Relation.create(identifier=input.name)) -%}
            {%- set compressed = path.lower().endswith(('.gz', '.zst', '.bz2', '.zip')) -%}
            {%- if (reader | string).startswith('read_csv(') and not compressed
                and customer_scoring.csv_encoding() == 'utf-8' -%}
                {#- DuckDB would stop on the first byte that is not UTF-8 with hints (encoding=,
                    ignore_errors=) that are not settings of this project -#}
                {%- set undecodable = run_query('select count(*) from read_blob(' ~ literal
                    ~ ') where try(decode(content)) is null').columns[0].values()[0] -%}
                {%- if undecodable > 0 -%}
                    {{ exceptions.raise_compiler_error(label ~ " is not UTF-8: it has bytes such as an accented"
                        ~ " letter saved as Latin-1 (Windows-1252), as spreadsheets and older tools export"
                        ~ " 'CSV'. Set the var csv_encoding: latin-1 (--vars '{csv_encoding: latin-1}'), or"
                        ~ " save the file as CSV UTF-8.") }}
                {%- endif -%}
            {%- endif -%}
            {%- set columns = customer_scoring.relation_columns(reader) -%}
            {%- set names = [] -%}
            {%- for column in columns.values() %}{% do names.append(column['name']) %}{% endfor -%}
            {%- set missing = [] -%}
            {%- for name in input.required if name not in columns %}{% do missing.append(name) %}{% endfor -%}
            {%- if missing -%}
                {%- set only = (names[0] | lower) if names | length == 1 else '' -%}
                {%- if only and input.required | select('in', only) | list | length > 1 -%}
                    {%- do customer_scoring.check_ragged_lines(path, label) -%}
                    {{ exceptions.raise_compiler_error(label ~ " was read as a single column '" ~ names[0]
                        ~ "': it is not comma-separated, or its delimiter could not be detected. "
                        ~ "Save it as CSV with ',' (or ';') between fields and one header line.") }}
                {%- endif -%}
                {{ exceptions.raise_compiler_error(label ~ " has no column " ~ (missing | join(', '))
                    ~ ". Columns found: " ~ (names | join(', ')) ~ ". Required: " ~ (input.required | join(', '))
                    ~ ". Rename the columns in the file (see README, Bring your own transactions).") }}
            {%- endif -%}
            {%- set counts = [] -%}
            {%- for name, data_type in input.typed.items() if columns[name]['type'] == 'varchar' -%}
                {%- set text = 'nullif(trim(' ~ adapter.quote(columns[name]['name']) ~ "), '')" -%}
                {%- set parsed = customer_scoring.parse_timestamp(text) if data_type in ('timestamp', 'date')
                    else dbt.safe_cast(text, data_type) -%}
                {%- do counts.append("count(" ~ text ~ ") as " ~ name ~ "_values, "
                    ~ "count(case when " ~ text ~ " is not null and "
                    ~ parsed ~ " is null then 1 end) as " ~ name ~ "_bad, min(case when " ~ text ~ " is not null and "
                    ~ parsed ~ " is null then " ~ text ~ " end) as " ~ name ~ "_example") -%}
            {%- endfor -%}
            {%- set profile = run_query('select count(*) as row_count'
                ~ (', ' ~ counts | join(', ') if counts else '') ~ ' from ' ~ reader) -%}
            {%- if profile.columns['row_count'].values()[0] == 0 and not input.no_rows_allowed_because -%}
                {{ exceptions.raise_compiler_error(label
                    ~ " has a header but no rows. Export it again with its data.") }}
            {%- endif -%}
            {%- for name, data_type in input.typed.items() if columns[name]['type'] == 'varchar' -%}
                {%- set values = profile.columns[name ~ '_values'].values()[0] -%}
                {%- set bad = profile.columns[name ~ '_bad'].values()[0] -%}
                {%- if values > 0 and bad * 2 > values -%}
                    {%- set advice = "Dates need the ISO form YYYY-MM-DD with a four-digit year, optionally with "
                        ~ "a time and a UTC offset or time-zone name (2024-01-31 14:05:00+01:00, "
                        ~ "2024-01-31 14:05:00 Europe/Paris); 03/04/2024 could be March or April, and "
                        ~ "3/1/24 has a two-digit year (years before var min_plausible_year, "
                        ~ customer_scoring.min_plausible_year() ~ ", are not read)."
                        if data_type in ('timestamp', 'date') else
                        "Numbers need '.' as the decimal point and no thousands separator (1234.50, not 1.234,50)." -%}
                    {{ exceptions.raise_compiler_error(label ~ ": column " ~ columns[name]['name'] ~ " is mostly not "
                        ~ ("a date" if data_type in ('timestamp', 'date') else "a number")
                        ~ " (" ~ bad ~ " of " ~ values
                        ~ " values, e.g. '" ~ profile.columns[name ~ '_example'].values()[0] ~ "'). " ~ advice) }}
                {%- endif -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endfor -%}
{% endmacro %}


{% macro check_ragged_lines(path, label) %}
    {#- A delimited file DuckDB read as one column because some lines have more (or fewer)
        fields than the header: DuckDB's sniffer then gives up the delimiter. Counts each
        line's fields (outside double quotes) for ',', ';', tab and '|', keeps the
        delimiter that most lines agree with the header on, and stops the run naming the
        first line that does not, instead of blaming the delimiter. Nothing when no
        delimiter splits the header (a genuine delimiter problem). DuckDB only. -#}
    {%- set query -%}
        with lines as (
            select unnest(split) as text, unnest(range(1, len(split) + 1)) as line
            from (
                select string_split(replace(content, chr(13), ''), chr(10)) as split
                from read_text({{ customer_scoring.sql_string(path) }})
            )
        ),
        stripped as (
            select line, regexp_replace(text, '"[^"]*"', '', 'g') as text from lines where trim(text) != ''
        ),
        counted as (
            select delimiter, line, length(text) - length(replace(text, delimiter, '')) + 1 as fields
            from stripped cross join (values (','), (';'), (chr(9)), ('|')) as delimiters (delimiter)
        ),
        judged as (
            select counted.delimiter, counted.line, counted.fields, header.fields as expected
            from counted
            inner join counted as header on header.delimiter = counted.delimiter and header.line = 1
            where header.fields > 1
        )
        select
            min(expected) as expected,
            min(line) filter (where fields != expected) as first_line,
            arg_min(fields, line) filter (where fields != expected) as found,
            count(*) filter (where fields != expected) as differing,
            count(*) - 1 as row_count
        from judged
        group by delimiter
        order by count(*) filter (where fields = expected) desc, delimiter
        limit 1
    {%- endset -%}
    {%- set found = run_query(query) -%}
    {%- if found.rows | length > 0 and found.rows[0][1] is not none -%}
        {%- set row = found.rows[0] -%}
        {{ exceptions.raise_compiler_error(label ~ ": line " ~ row[1] ~ " has " ~ row[2] ~ " fields where the header"
            ~ " has " ~ row[0] ~ ": " ~ row[0] ~ " columns expected, " ~ row[2] ~ " found (" ~ row[3] ~ " of "
            ~ row[4] ~ " lines differ). Quote the values that contain the delimiter, or remove the extra"
            ~ " or missing fields, and export the file again.") }}
    {%- endif -%}
{% endmacro %}
