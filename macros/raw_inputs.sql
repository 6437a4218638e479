{#- Raw inputs are files (demo or bring-your-own) read through dbt sources. Each input's
    contract (columns, types, required flags, accepted values, reason codes) is declared
    once, in the sources YAML (models/staging/*/_*__sources.yml); these macros read it. -#}

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


{% macro model_inputs_absent(model_name) %}
    {#- True when the model declares the raw inputs it reads (config meta raw_inputs, in its
        models YAML) and the run has none of them: what it measures is then the same for
        every customer, and its readers may skip the work (int_score_points). False for a
        model that declares none. -#}
    {%- set node = graph.nodes.get('model.' ~ project_name ~ '.' ~ model_name) if execute else none -%}
    {%- set inputs = (node.config.meta or {}).get('raw_inputs', []) if node else [] -%}
    {%- if not inputs -%}
        {{ return(false) }}
    {%- endif -%}
    {%- for name in inputs if customer_scoring.raw_input_path(name) -%}
        {{ return(false) }}
    {%- endfor -%}
    {{ return(true) }}
{% endmacro %}


{% macro raw_input_contracts() %}
    {#- Every raw input's contract, from the sources YAML (meta.input and columns), as a list
        of {name, source, label, file_types, loaded_at, freshness_exempt_reason,
        no_rows_allowed_because (why a file without rows is valid; none: it is refused), reasons,
        rules, columns: [{name, data_type, required, default, values, reason}], required:
        [names], typed: {name: data_type} (required columns that are not text)}.
        Empty while dbt parses (the graph is filled at run time). -#}
    {%- set contracts = [] -%}
    {%- if execute -%}
        {%- for node in graph.sources.values() | sort(attribute='unique_id')
            if node.package_name == project_name and node.meta.get('input') -%}
            {%- set input = node.meta['input'] -%}
            {%- set columns = [] -%}
            {%- set required = [] -%}
            {%- set typed = {} -%}
            {%- for column in node.columns.values() -%}
                {%- set meta = column.meta or {} -%}
                {%- do columns.append({'name': column.name, 'data_type': column.data_type,
                    'required': meta.get('required', false), 'default': meta.get('default'),
                    'values': meta.get('values'), 'reason': meta.get('reason')}) -%}
                {%- if meta.get('required') -%}
                    {%- do required.append(column.name) -%}
                    {%- if column.data_type != 'varchar' -%}
                        {%- do typed.update({column.name: column.data_type}) -%}
                    {%- endif -%}
                {%- endif -%}
            {%- endfor -%}
            {%- do contracts.append({'name': node.name, 'source': node.source_name,
                'label': input.get('label', node.name ~ ' file'),
                'file_types': node.meta.get('file_types', ['parquet']),
                'loaded_at': input.get('loaded_at'),
                'freshness_exempt_reason': node.meta.get('freshness_exempt_reason'),
                'no_rows_allowed_because': input.get('no_rows_allowed_because'),
                'reasons': input.get('reasons', []), 'rules': input.get('rules', []),
                'columns': columns, 'required': required, 'typed': typed}) -%}
        {%- endfor -%}
    {%- endif -%}
    {#- transactions first: the input every run needs is checked first -#}
    {{ return(contracts | selectattr('name', 'equalto', 'transactions') | list
        + contracts | rejectattr('name', 'equalto', 'transactions') | list) }}
{% endmacro %}


{% macro raw_input_contract(name) %}
    {#- The contract of one raw input (see raw_input_contracts), or none. -#}
    {%- for contract in customer_scoring.raw_input_contracts() if contract.name == name -%}
        {{ return(contract) }}
    {%- endfor -%}
    {{ return(none) }}
{% endmacro %}


{% macro raw_input(relation) %}
    {#- What a model selects from to read a raw input: the one reader of every source.
        relation: the model's source('...', '...'). -#}
    {{ return(adapter.dispatch('raw_input', 'customer_scoring')(relation)) }}
{% endmacro %}

{% macro default__raw_input(relation) %}
    {#- Other engines read loaded tables (customer_scoring/postgres.py loads them). -#}
    {{ return(relation) }}
{% endmacro %}

{% macro duckdb__raw_input(relation) %}
    {#- DuckDB reads the file where it lies: delimited text (the contract's file types other
        than parquet, e.g. .csv, .csv.gz, .tsv, .txt) with every column as text, so staging
        decides every cast, in the encoding of var csv_encoding; anything else as Parquet,
        typed. -#}
    {%- set path = customer_scoring.raw_input_path(relation.identifier) -%}
    {%- if not path -%}
        {{ return(relation) }}
    {%- endif -%}
    {%- set contract = customer_scoring.raw_input_contract(relation.identifier) or {} -%}
    {%- set text_types = contract.get('file_types', ['csv', 'tsv', 'txt']) | reject('equalto', 'parquet') | list -%}
    {%- set lowered = path | lower -%}
    {%- set extension = lowered.split('/')[-1].split('.')[-1] -%}
    {%- if extension in text_types or '.csv' in lowered -%}
        {%- set encoding = customer_scoring.csv_encoding() -%}
        {{ return('read_csv(' ~ customer_scoring.sql_string(path) ~ ', header = true, all_varchar = true'
            ~ ((', encoding = ' ~ customer_scoring.sql_string(encoding)) if encoding != 'utf-8' else '') ~ ')') }}
    {%- endif -%}
    {{ return('read_parquet(' ~ customer_scoring.sql_string(path) ~ ')') }}
{% endmacro %}

{% macro spark__raw_input(relation) %}
    {#- Spark reads the file where it lies too: Parquet through its path (parquet.`path`),
        delimited text (as on DuckDB: the contract's file types other than parquet) through
        a temporary view of the session with every column as text. -#}
    {%- set path = customer_scoring.raw_input_path(relation.identifier) -%}
    {%- if not path -%}
        {{ return(relation) }}
    {%- endif -%}
    {%- set contract = customer_scoring.raw_input_contract(relation.identifier) or {} -%}
    {%- set text_types = contract.get('file_types', ['csv', 'tsv', 'txt']) | reject('equalto', 'parquet') | list -%}
    {%- set lowered = path | lower -%}
    {%- set extension = lowered.split('/')[-1].split('.')[-1] -%}
    {%- if extension in text_types or '.csv' in lowered -%}
        {%- set view = 'raw_input__' ~ relation.identifier -%}
        {%- if execute -%}
            {%- do run_query('create or replace temporary view ' ~ view ~ ' using csv options (path '
                ~ customer_scoring.sql_string(path) ~ ", header 'true', inferSchema 'false', sep '"
                ~ ('\\t' if extension == 'tsv' else ',') ~ "', encoding "
                ~ customer_scoring.sql_string(customer_scoring.csv_encoding()) ~ ')') -%}
        {%- endif -%}
        {{ return(view) }}
    {%- endif -%}
    {{ return('parquet.`' ~ path ~ '`') }}
{% endmacro %}


{% macro raw_input_loaded_at(relation) %}
    {#- The freshness query of a raw input (sources' loaded_at_query): the latest value of
        the contract's loaded_at column among the rows staging keeps. The rows are judged by
        the input's base model itself (its SQL, rendered here): a row it quarantines, for
        whatever reason (a duplicate, a missing id, a date after var load_date...), cannot
        make a stale feed look fresh, and the quarantine rules keep one home. Without
        var load_date (staging then quarantines no date as in the future), rows after the
        time of the check do not count either. A run without the file (bring-your-own mode
        without its *_path) reads nothing from it, and a file without its (optional)
        loaded_at column dates nothing, so nothing of it can be stale: the query then
        returns the time of the check. Erasure requests do not apply here (a source's
        freshness may not ref() a model; an erased customer's rows are still in the file). -#}
    {%- set contract = customer_scoring.raw_input_contract(relation.identifier) or {} -%}
    {%- if not customer_scoring.raw_input_path(relation.identifier) -%}
        {{ return('select ' ~ dbt.current_timestamp()) }}
    {%- elif not contract.get('loaded_at') -%}
        {{ return('select cast(null as ' ~ dbt.type_timestamp() ~ ')') }}
    {%- endif -%}
    {%- if contract.loaded_at not in customer_scoring.relation_columns(customer_scoring.raw_input(relation)) -%}
        {#- the loaded_at column is optional (customers' signed_up_at, interests' updated_at)
            and this file has none: no row has a date to judge, so none can be stale -#}
        {{ return('select ' ~ dbt.current_timestamp()) }}
    {%- endif -%}
    {%- set base = customer_scoring.raw_input_base_model(relation.identifier) -%}
    {#- the base models' erasure filter reads the erasure requests through this ref, which a
        source's freshness query may not call: rendered here, the filter keeps every row -#}
    {%- set erasure_requests = "ref('base_privacy__rights_requests')" -%}
    {%- set loaded_at = adapter.quote(contract.loaded_at) -%}
    {%- set not_after_check = '' if customer_scoring.load_date_iso()
        else ' and ' ~ loaded_at ~ ' <= ' ~ dbt.current_timestamp() -%}
    {{ return('select cast(max(' ~ loaded_at ~ ') as ' ~ dbt.type_timestamp() ~ ') from ('
        ~ render(base.raw_code | replace(erasure_requests, 'none')) ~ ') as judged'
        ~ ' where rejection_reason is null' ~ not_after_check) }}
{% endmacro %}


{% macro raw_input_base_model(name) %}
    {#- The graph node of the base model that reads raw input `name` (base_<source>__<name>,
        the one model that judges its rows). Fails at run time when there is none. -#}
    {%- for node in graph.nodes.values() if node.resource_type == 'model'
        and node.package_name == project_name and node.name.startswith('base_')
        and node.name.endswith('__' ~ name) -%}
        {{ return(node) }}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error("No base model reads the raw input " ~ name
        ~ ": freshness reads the rows its base model keeps (models/staging/<source>/base/).") }}
{% endmacro %}


{% macro relation_columns(relation) %}
    {#- {lower-cased name: {'name': actual name, 'type': lower-cased type}} of the columns a
        relation exposes (at run time; empty while dbt parses). -#}
    {{ return(adapter.dispatch('relation_columns', 'customer_scoring')(relation)) }}
{% endmacro %}

{% macro default__relation_columns(relation) %}
    {%- set found = {} -%}
    {%- if execute -%}
        {%- for column in adapter.get_columns_in_relation(relation) -%}
            {%- do found.update({column.name | lower: {'name': column.name, 'type': column.dtype | lower}}) -%}
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
            {%- do found.update({row[0] | lower: {'name': row[0], 'type': row[1] | lower}}) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(found) }}
{% endmacro %}


{% macro spark__relation_columns(relation) %}
    {#- Sources may be file paths (parquet.`...`), so ask Spark to describe a query. -#}
    {%- set found = {} -%}
    {%- if execute -%}
        {%- set described = run_query('describe query select * from ' ~ relation) -%}
        {%- for row in described.rows -%}
            {%- do found.update({row[0] | lower: {'name': row[0], 'type': row[1] | lower}}) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(found) }}
{% endmacro %}


{% macro input_column(columns, name, data_type, required=false, input='input') %}
    {#- The column `name` cast to data_type (unparseable values become null, to be
        quarantined; 'raw': as read, not cast), or a typed null when the input lacks an
        optional column. Timestamps and
        dates go through parse_timestamp, so a UTC offset or a zone name is honoured and
        only ISO dates with a plausible year are read. A missing required column
        stops the run with the columns that were found. -#}
    {%- if name in columns -%}
        {%- set column = columns[name] -%}
        {%- if data_type == 'raw' -%}
            {{ return(adapter.quote(column['name'])) }}
        {%- elif data_type == 'timestamp' -%}
            {{ return(customer_scoring.parse_timestamp(adapter.quote(column['name']), column['type'])) }}
        {%- elif data_type == 'date' -%}
            {{ return('cast(' ~ customer_scoring.parse_timestamp(adapter.quote(column['name']), column['type'])
                ~ ' as date)') }}
        {%- endif -%}
        {{ return(dbt.safe_cast(adapter.quote(column['name']), data_type)) }}
    {%- elif required and execute and columns -%}
        {%- set names = [] -%}
        {%- for column in columns.values() %}{% do names.append(column['name']) %}{% endfor -%}
        {{ exceptions.raise_compiler_error(
            input ~ " has no column '" ~ name ~ "'. Columns found: " ~ (names | join(', '))
            ~ ". Rename the column in the file, or see README 'Bring your own transactions'.") }}
    {%- endif -%}
    {{ return('cast(null as ' ~ (dbt.type_string() if data_type == 'raw' else data_type) ~ ')') }}
{% endmacro %}


{% macro contract_column(input, columns, name) %}
    {#- The column `name` of a raw input cast to the type its contract declares (input:
        raw_input_contract(...)); a missing required column stops the run (input_column).
        While dbt parses (no contract yet) a text null. -#}
    {%- set declared = (input.columns | selectattr('name', 'equalto', name) | first) if input else none -%}
    {%- if input and not declared -%}
        {{ exceptions.raise_compiler_error("The contract of " ~ input.name ~ " declares no column " ~ name
            ~ " (models/staging/" ~ input.source ~ "/_" ~ input.source ~ "__sources.yml).") }}
    {%- endif -%}
    {%- set declared_type = declared.data_type if declared else 'varchar' -%}
    {%- set portable = {'varchar': dbt.type_string(), 'boolean': dbt.type_boolean()} -%}
    {%- set data_type = portable.get(declared_type, declared_type) -%}
    {%- set label = ('The ' ~ input.label ~ ' ' ~ customer_scoring.raw_input_path(input.name)) if input else 'input' -%}
    {%- set required = declared.required if declared else false -%}
    {{ return(customer_scoring.input_column(columns, name, data_type, required, label)) }}
{% endmacro %}


{% macro parse_timestamp(expression, source_type='varchar') %}
    {#- A timestamp without time zone, in UTC when the value carries an offset. -#}
    {{ return(adapter.dispatch('parse_timestamp', 'customer_scoring')(expression, source_type)) }}
{% endmacro %}

{% macro default__parse_timestamp(expression, source_type) %}
    {{ return(dbt.safe_cast(expression, 'timestamp')) }}
{% endmacro %}

{% macro iso_timestamp_text(text) %}
    {#- The text forms parse_timestamp reads (its DuckDB and Spark versions), as regular
        expressions over the SQL expression ``text``: local (YYYY-MM-DD[ HH:MM[:SS[.f]]]),
        with_zone (the same, then a UTC offset or an IANA zone name), offset (the offset
        alone, a group); and plausible, the SQL condition that the year is at least var
        min_plausible_year or the day one of var placeholder_dates. -#}
    {%- set day = '[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}' -%}
    {%- set time = '([T ][0-9]{1,2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?)?' -%}
    {%- set offset = '(Z|[+-][0-9]{2}(:?[0-9]{2})?)' -%}
    {%- set zone = '(UTC|[A-Za-z]+(/[A-Za-z0-9_+-]+)+)' -%}
    {{ return({
        'local': '^' ~ day ~ time ~ '$',
        'with_zone': '^' ~ day ~ time ~ ' *(' ~ offset ~ '|' ~ zone ~ ')$',
        'offset': offset,
        'plausible': '(try_cast(left(' ~ text ~ ', 4) as integer) >= ' ~ customer_scoring.min_plausible_year()
            ~ ' or try_cast(left(' ~ text ~ ', 10) as date) in (' ~ customer_scoring.placeholder_dates() ~ '))',
    }) }}
{% endmacro %}

{% macro duckdb__parse_timestamp(expression, source_type) %}
    {#- Text is read only in ISO order, year first with four digits (YYYY-MM-DD[ HH:MM[:SS]]),
        optionally followed by a UTC offset (Z, +02, +0200, +02:00, with or without a space
        before it, as shop platforms export '2024-03-25 19:30:00 -0400') or an IANA time-zone
        name ('2024-03-31 22:30:00 America/New_York', daylight saving time included); a
        value with an offset or a zone is converted to UTC. Anything else is null, to be
        quarantined: DuckDB's own cast would read '3/1/24 8:26' as the year 3 and drop a
        zone name. A year before var min_plausible_year is null too, unless the day is one
        of var placeholder_dates, which its own reason (placeholder_date) sets aside. -#}
    {%- set placeholders = customer_scoring.placeholder_dates() -%}
    {%- if source_type.startswith('timestamp with time zone') -%}
        {%- set typed = 'cast(' ~ expression ~ " at time zone 'UTC' as timestamp)" -%}
        {{ return('case when year(' ~ typed ~ ') >= ' ~ customer_scoring.min_plausible_year()
            ~ ' or cast(' ~ typed ~ ' as date) in (' ~ placeholders ~ ') then ' ~ typed ~ ' end') }}
    {%- elif source_type.startswith('timestamp') or source_type == 'date' -%}
        {{ return('case when year(' ~ expression ~ ') >= ' ~ customer_scoring.min_plausible_year()
            ~ ' or cast(' ~ expression ~ ' as date) in (' ~ placeholders ~ ') then cast('
            ~ expression ~ ' as timestamp) end') }}
    {%- endif -%}
    {%- set text = 'trim(cast(' ~ expression ~ ' as varchar))' -%}
    {%- set iso = customer_scoring.iso_timestamp_text(text) -%}
    {{ return("case when not " ~ iso.plausible ~ " then null "
        ~ "when regexp_matches(" ~ text ~ ", '" ~ iso.local ~ "') then try_cast(" ~ text ~ " as timestamp) "
        ~ "when regexp_matches(" ~ text ~ ", '" ~ iso.with_zone ~ "') "
        ~ "then cast(try_cast(regexp_replace(" ~ text ~ ", ' +" ~ iso.offset ~ "$', '\\1') as timestamptz) "
        ~ "at time zone 'UTC' as timestamp) end") }}
{% endmacro %}


{% macro spark__parse_timestamp(expression, source_type) %}
    {#- The rules of duckdb__parse_timestamp in Spark SQL (rlike, try_cast). Spark's cast
        reads an offset (Z, +02, +02:00) or a zone name itself and, in the session time
        zone UTC (profiles.yml), gives the UTC time; an offset +0200 is written +02:00 first. -#}
    {%- set placeholders = customer_scoring.placeholder_dates() -%}
    {%- if source_type.startswith('timestamp') or source_type == 'date' -%}
        {{ return('case when year(' ~ expression ~ ') >= ' ~ customer_scoring.min_plausible_year()
            ~ ' or cast(' ~ expression ~ ' as date) in (' ~ placeholders ~ ') then cast('
            ~ expression ~ ' as timestamp) end') }}
    {%- endif -%}
    {%- set text = 'trim(cast(' ~ expression ~ ' as string))' -%}
    {%- set iso = customer_scoring.iso_timestamp_text(text) -%}
    {{ return("case when not " ~ iso.plausible ~ " then null "
        ~ "when " ~ text ~ " rlike '" ~ iso.local ~ "' then try_cast(" ~ text ~ " as timestamp) "
        ~ "when " ~ text ~ " rlike '" ~ iso.with_zone ~ "' "
        ~ "then try_cast(regexp_replace(regexp_replace(" ~ text ~ ", ' +" ~ iso.offset ~ "$', '$1'), "
        ~ "'([+-][0-9]{2})([0-9]{2})$', '$1:$2') as timestamp) end") }}
{% endmacro %}


{% macro raw_source_rows(relation, copies=false) %}
    {#- The rows of a raw input (relation: the model's source(...)), numbered in file order
        (source_row_number), or no rows when the run has no such input (bring-your-own mode
        without its *_path). copies=true adds copy_number: 1 for the first occurrence of a
        row, 2, 3... for exact copies of it (every column equal), in file order. -#}
    {%- set none_copied = ', cast(null as integer) as copy_number' if copies else '' -%}
    {%- if not customer_scoring.raw_input_path(relation.identifier) -%}
        {{ return('select cast(null as integer) as source_row_number' ~ none_copied ~ ' where 1 = 0') }}
    {%- endif -%}
    {%- set reader = customer_scoring.raw_input(relation) -%}
    {%- set quoted = [] -%}
    {%- for column in customer_scoring.relation_columns(reader).values() -%}
        {%- do quoted.append(adapter.quote(column['name'])) -%}
    {%- endfor -%}
    {#- rows with every field empty (a spreadsheet's blank lines: ',,,,,') are skipped, not
        quarantined; data_quality_summary counts them (blank_rows_skipped). The numbering
        comes first, so source_row_number stays the position in the file. -#}
    {%- set numbered = 'select * from (' ~ customer_scoring.numbered_rows(reader) ~ ') as read_rows where not '
        ~ customer_scoring.is_blank_row(quoted) -%}
    {%- if not copies -%}
        {{ return(numbered) }}
    {%- endif -%}
    {{ return(customer_scoring.with_copy_number(numbered, quoted or ['source_row_number'])) }}
{% endmacro %}


{% macro is_blank_row(quoted_columns) %}
    {#- True when every one of the (quoted) columns is null or blank. -#}
    {%- if not quoted_columns -%}
        {{ return('false') }}
    {%- endif -%}
    {%- set blanks = [] -%}
    {%- for column in quoted_columns -%}
        {%- do blanks.append("coalesce(trim(cast(" ~ column ~ " as " ~ dbt.type_string() ~ ")), '') = ''") -%}
    {%- endfor -%}
    {{ return('(' ~ blanks | join(' and ') ~ ')') }}
{% endmacro %}


{% macro blank_rows(relation) %}
    {#- The query of the number of blank rows raw_source_rows skips in a raw input (0 without
        its file): rows with every field empty. -#}
    {%- if not customer_scoring.raw_input_path(relation.identifier) -%}
        {{ return('select 0 as blank_rows') }}
    {%- endif -%}
    {%- set reader = customer_scoring.raw_input(relation) -%}
    {%- set quoted = [] -%}
    {%- for column in customer_scoring.relation_columns(reader).values() -%}
        {%- do quoted.append(adapter.quote(column['name'])) -%}
    {%- endfor -%}
    {{ return('select count(*) as blank_rows from ' ~ reader ~ ' where ' ~ customer_scoring.is_blank_row(quoted)) }}
{% endmacro %}


{% macro numbered_rows(relation) %}
    {#- The query of the relation's rows numbered in file order (source_row_number). -#}
    {{ return(adapter.dispatch('numbered_rows', 'customer_scoring')(relation)) }}
{% endmacro %}

{% macro default__numbered_rows(relation) %}
    {{ return('select *, row_number() over () as source_row_number from ' ~ relation) }}
{% endmacro %}

{% macro duckdb__numbered_rows(relation) %}
    {#- A Parquet file numbers its rows itself (file_row_number, in file order like the
        window): it spares a window over the whole input, which runs on one thread. At 60
        million web events: 21.3 s -> 11.9 s to read and number. -#}
    {%- set text = relation | string -%}
    {%- if text.startswith('read_parquet(') and text.endswith(')') -%}
        {{ return('select * exclude (file_row_number), file_row_number + 1 as source_row_number from '
            ~ text[:-1] ~ ', file_row_number = true)') }}
    {%- endif -%}
    {{ return(customer_scoring.default__numbered_rows(relation)) }}
{% endmacro %}


{% macro spark__numbered_rows(relation) %}
    {#- Spark's row_number() needs an order: the position in the file
        (monotonically_increasing_id grows along a file's rows and its splits, in order). -#}
    {%- set quoted = [] -%}
    {%- for column in customer_scoring.relation_columns(relation).values() -%}
        {%- do quoted.append(adapter.quote(column['name'])) -%}
    {%- endfor -%}
    {{ return('select ' ~ ((quoted | join(', ') ~ ', ') if quoted else '')
        ~ 'row_number() over (order by file_position) as source_row_number from (select *, '
        ~ 'monotonically_increasing_id() as file_position from ' ~ relation ~ ') as read_rows') }}
{% endmacro %}


{% macro with_copy_number(numbered, columns) %}
    {#- The query `numbered` (rows with source_row_number) with copy_number: 1 for the
        first row of each set of equal `columns`, 2, 3... for the later ones. -#}
    {{ return(adapter.dispatch('with_copy_number', 'customer_scoring')(numbered, columns)) }}
{% endmacro %}

{% macro default__with_copy_number(numbered, columns) %}
    {#- copy_number by a window partitioned by every column. -#}
    {{ return('select *, row_number() over (partition by ' ~ (columns | join(', '))
        ~ ' order by source_row_number) as copy_number from (' ~ numbered ~ ') as numbered') }}
{% endmacro %}

{% macro duckdb__with_copy_number(numbered, columns) %}
    {#- The same numbers, but the window sees only the rows whose hash of every column
        repeats (exact copies, and the rare rows whose hash collides): the others are
        first occurrences. Copies are a fraction of a percent, so the window no longer
        sorts every column of every row. -#}
    {%- set row_hash = 'hash(' ~ (columns | join(', ')) ~ ')' -%}
    {%- set query -%}
        with

        numbered as (
            {{ numbered }}
        ),

        repeated as (
            select {{ row_hash }} as row_hash
            from numbered
            group by 1
            having count(*) > 1
        ),

        copies as (
            select
                source_row_number,
                row_number() over (
                    partition by {{ columns | join(', ') }} order by source_row_number
                ) as copy_number
            from numbered
            where {{ row_hash }} in (select repeated.row_hash from repeated)
        )

        select
            numbered.*,
            coalesce(copies.copy_number, 1) as copy_number
        from numbered
        left join copies on numbered.source_row_number = copies.source_row_number
    {%- endset -%}
    {{ return(query) }}
{% endmacro %}


{% macro contract_rule(input, reason) %}
    {#- The SQL of the input's row rule for `reason` (contract meta.input.rules), true when
        the row passes, with the settings it names filled in: {max_line_amount},
        {placeholder_dates} (date literals), {scientific_notation_pattern}. A null counts as
        passing here (the column's own reason comes first). While dbt parses: true. -#}
    {%- if not input -%}
        {{ return('true') }}
    {%- endif -%}
    {%- set rule = input.rules | selectattr('reason', 'equalto', reason) | first -%}
    {%- if not rule -%}
        {{ exceptions.raise_compiler_error("The contract of " ~ input.name ~ " has no rule for " ~ reason
            ~ " (models/staging/" ~ input.source ~ "/_" ~ input.source ~ "__sources.yml).") }}
    {%- endif -%}
    {%- set sql = rule.sql | replace('{max_line_amount}', customer_scoring.max_line_amount() | string)
        | replace('{placeholder_dates}', customer_scoring.placeholder_dates())
        | replace('{scientific_notation_pattern}', customer_scoring.scientific_notation_pattern()) -%}
    {{ return('coalesce(' ~ adapter.dispatch('contract_rule_sql', 'customer_scoring')(sql) ~ ', true)') }}
{% endmacro %}

{% macro default__contract_rule_sql(sql) %}
    {#- A contract rule's SQL as the contract writes it (PostgreSQL and DuckDB read it alike). -#}
    {{ return(sql) }}
{% endmacro %}

{% macro spark__contract_rule_sql(sql) %}
    {#- Spark has no SIMILAR TO: `x [not] similar to 'p'` (a match of the whole text)
        becomes `x [not] rlike '^(p)$'`. -#}
    {{ return(modules.re.sub("similar to '([^']*)'", "rlike '^(\\1)$'", sql)) }}
{% endmacro %}
