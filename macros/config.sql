{#- Validated access to run settings. Each raises a compile error a user can act on,
    and no var value reaches SQL unchecked or unquoted. -#}

{% macro as_of_date() %}
    {#- The as-of date as a SQL date literal. -#}
    {{ return("cast('" ~ as_of_date_iso() ~ "' as date)") }}
{% endmacro %}


{% macro as_of_date_iso() %}
    {#- The as-of date as a validated 'YYYY-MM-DD' string. -#}
    {%- set raw = var('as_of_date', none) -%}
    {%- set text = '' if raw is none else (raw | string | trim) -%}
    {%- if text == '' -%}
        {%- if execute -%}
            {{ exceptions.raise_compiler_error(
                "as_of_date is not set. Every score is computed as of an explicit date: "
                ~ "pass --vars '{as_of_date: 2026-11-24}' or set WAREHOUSE_AS_OF_DATE=2026-11-24.") }}
        {%- endif -%}
        {{ return('1970-01-01') }}
    {%- endif -%}
    {{ return(customer_scoring.iso_date(text, 'as_of_date')) }}
{% endmacro %}


{% macro scoring_window_start() %}
    {#- First day that counts for frequency and monetary, or none for all history. -#}
    {%- set days = var('scoring_window_days', none) -%}
    {%- if days is none or days == '' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if days is not number or days is boolean or days < 1 or days != (days | int) -%}
        {{ exceptions.raise_compiler_error(
            "scoring_window_days must be a whole number of days of at least 1, or null for all "
            ~ "history; got '" ~ days ~ "'.") }}
    {%- endif -%}
    {{ return(dbt.dateadd('day', 1 - (days | int), as_of_date())) }}
{% endmacro %}


{% macro in_scoring_window(date_column) %}
    {#- Predicate: the day counts for RFM, i.e. on or before the as-of date and inside
        scoring_window_days when that is set. -#}
    {%- set start = customer_scoring.scoring_window_start() -%}
    {%- set predicate = date_column ~ ' <= ' ~ customer_scoring.as_of_date() -%}
    {%- if start -%}
        {%- set predicate = predicate ~ ' and ' ~ date_column ~ ' >= ' ~ start -%}
    {%- endif -%}
    {{ return('(' ~ predicate ~ ')') }}
{% endmacro %}


{% macro sql_string(value) %}
    {#- A SQL string literal holding value, single quotes doubled. -#}
    {{ return("'" ~ (value | string | replace("'", "''")) ~ "'") }}
{% endmacro %}


{% macro reporting_currency() %}
    {%- set code = var('reporting_currency', 'EUR') | string | trim | upper -%}
    {%- if not modules.re.match('^[A-Z]{3}$', code) -%}
        {{ exceptions.raise_compiler_error(
            "reporting_currency must be a three-letter ISO 4217 code such as EUR; got '"
            ~ code ~ "'.") }}
    {%- endif -%}
    {{ return(code) }}
{% endmacro %}


{% macro segment_map_name() %}
    {#- The segment map chosen by var('segment_map'), as a quoted SQL string. Whether the map
        exists in seeds/rfm_segment_map.csv is data: test assert_segment_map_is_known stops
        dbt build before any customer is left without a segment. -#}
    {%- set name = var('segment_map', 'standard') | string | trim -%}
    {{ return(sql_string(name)) }}
{% endmacro %}


{% macro load_date_iso() %}
    {#- The day the raw data was loaded (var load_date, YYYY-MM-DD), or none. The build
        command passes today; rows dated after it are quarantined as date_in_future. Rows
        after the as-of date but not after the load date are legitimate: not scored yet. -#}
    {%- set raw = var('load_date', none) -%}
    {%- if raw is none or (raw | string | trim) == '' -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(customer_scoring.iso_date(raw, 'load_date')) }}
{% endmacro %}


{% macro max_line_amount() %}
    {#- Largest plausible line amount (var max_line_amount); larger ones are quarantined. -#}
    {%- set limit = var('max_line_amount', 1000000) -%}
    {%- if limit is not number or limit is boolean or limit <= 0 -%}
        {{ exceptions.raise_compiler_error("max_line_amount must be a number above 0; got '" ~ limit ~ "'.") }}
    {%- endif -%}
    {{ return(limit) }}
{% endmacro %}


{% macro rfm_criteria() %}
    {#- The criteria of the weighted RFM score: each 1-5 score put on 0..1. -#}
    {{ return({
        'recency': {'expression': 'r_score', 'min': 1, 'max': 5},
        'frequency': {'expression': 'f_score', 'min': 1, 'max': 5},
        'monetary': {'expression': 'm_score', 'min': 1, 'max': 5},
    }) }}
{% endmacro %}


{% macro iso_date(raw, setting) %}
    {#- raw checked as a real calendar date written YYYY-MM-DD; returns that text. -#}
    {%- set text = raw | string | trim -%}
    {%- set parts = modules.re.match('^([0-9]{4})-([0-9]{2})-([0-9]{2})$', text) -%}
    {%- set ns = namespace(valid=false) -%}
    {%- if parts -%}
        {%- set year, month, day = parts.group(1) | int, parts.group(2) | int, parts.group(3) | int -%}
        {%- set leap = (year % 4 == 0 and year % 100 != 0) or year % 400 == 0 -%}
        {%- set month_days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] -%}
        {%- set ns.valid = 1 <= month <= 12 and 1 <= day <= month_days[month - 1] -%}
    {%- endif -%}
    {%- if not ns.valid -%}
        {{ exceptions.raise_compiler_error(
            setting ~ " must be a calendar date written YYYY-MM-DD, e.g. 2026-11-24; got '"
            ~ text ~ "'.") }}
    {%- endif -%}
    {{ return(text) }}
{% endmacro %}


{% macro lifetime_models_enabled() %}
    {#- Whether the lifetime models (models/marts/predictive/lifetime) run: where the fits
        run as dbt Python models (var python_models, by default true on the
        engines that run them; dbt_project.yml enables the Python models by the same
        expression) or come from the lifetime step (var lifetime_step). The SQL models of
        models/marts/predictive/lifetime call it in their config. When false,
        customer_scores leaves the lifetime columns null and everything else builds. -#}
    {%- set python = var('python_models', python_models_default()) -%}
    {%- set step = var('lifetime_step', false) -%}
    {%- for name, value in [('python_models', python), ('lifetime_step', step)] -%}
        {%- if value is not boolean -%}
            {{ exceptions.raise_compiler_error(name ~ " must be true or false; got '" ~ value ~ "'.") }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(python or step) }}
{% endmacro %}


{% macro lifetime_step_models_enabled() %}
    {#- Whether the lifetime fits and predictions are read from the tables of the lifetime
        step (models/marts/predictive/lifetime/step): lifetime models on, and not as dbt
        Python models (var python_models false, the default on engines without them). -#}
    {{ return(lifetime_models_enabled() and not var('python_models', python_models_default())) }}
{% endmacro %}


{% macro python_models_default() %}
    {#- The default of var python_models: whether the target's engine runs dbt Python
        models. dbt_project.yml enables models/marts/predictive/lifetime/python by the
        same list (YAML cannot call a macro). -#}
    {{ return(target.type in ['duckdb', 'snowflake', 'databricks', 'bigquery']) }}
{% endmacro %}


{% macro min_plausible_year() %}
    {#- The earliest year a date of an input may have (var min_plausible_year): an earlier
        one is read as unparseable (a two-digit year such as '24' read as the year 24). -#}
    {%- set year = var('min_plausible_year', 1970) -%}
    {%- if year is not number or year is boolean or year != year | int or year < 1 -%}
        {{ exceptions.raise_compiler_error("min_plausible_year must be a whole year, e.g. 1970; got '"
            ~ year ~ "'.") }}
    {%- endif -%}
    {{ return(year | int) }}
{% endmacro %}


{% macro placeholder_dates() %}
    {#- The days that stand for "no date" in exports (var placeholder_dates), as a SQL list of
        date literals: a row dated on one of them is set aside as placeholder_date. -#}
    {%- set days = var('placeholder_dates', ['1970-01-01', '1900-01-01']) -%}
    {%- if days is string or days is not iterable or not days -%}
        {{ exceptions.raise_compiler_error("placeholder_dates must be a list of YYYY-MM-DD dates; got '"
            ~ days ~ "'.") }}
    {%- endif -%}
    {%- set literals = [] -%}
    {%- for day in days -%}
        {%- do literals.append("date '" ~ customer_scoring.iso_date(day, 'placeholder_dates') ~ "'") -%}
    {%- endfor -%}
    {{ return(literals | join(', ')) }}
{% endmacro %}


{% macro is_placeholder_date(column) %}
    {#- True when a typed date or timestamp column falls on one of var placeholder_dates. -#}
    {{ return('cast(' ~ column ~ ' as date) in (' ~ customer_scoring.placeholder_dates() ~ ')') }}
{% endmacro %}


{% macro scientific_notation_pattern() %}
    {#- The SIMILAR TO pattern of an id a spreadsheet turned into scientific notation
        (var scientific_notation_pattern, e.g. 1.23457E+11): such rows are quarantined as
        scientific_notation_id, since the digits that told customers apart are lost. -#}
    {%- set pattern = var('scientific_notation_pattern') | string -%}
    {%- if "'" in pattern -%}
        {{ exceptions.raise_compiler_error("scientific_notation_pattern must not contain a quote; got '"
            ~ pattern ~ "'.") }}
    {%- endif -%}
    {{ return(pattern) }}
{% endmacro %}


{% macro csv_encoding() %}
    {#- The character encoding of every delimited text input (var csv_encoding): utf-8, or
        latin-1 for the files spreadsheets and older tools save, or utf-16. -#}
    {%- set encoding = var('csv_encoding', 'utf-8') | string | lower | replace('_', '-') -%}
    {%- set known = {'utf-8': 'utf-8', 'utf8': 'utf-8', 'latin-1': 'latin-1', 'latin1': 'latin-1',
        'iso-8859-1': 'latin-1', 'utf-16': 'utf-16', 'utf16': 'utf-16'} -%}
    {%- if encoding not in known -%}
        {{ exceptions.raise_compiler_error("csv_encoding must be utf-8, latin-1 or utf-16; got '"
            ~ var('csv_encoding') ~ "'.") }}
    {%- endif -%}
    {{ return(known[encoding]) }}
{% endmacro %}

{% macro finding_severity(override=none) %}
    {#- The severity of a singular test that checks what a score predicts: on the demo data
        a failure is a defect ('error'); on the user's own data (var transactions_path
        given) it is a finding about their data ('warn'). override (a var's value, e.g.
        calibration_severity) wins when set. -#}
    {{- return(override or ('warn' if var('transactions_path', none) else 'error')) -}}
{% endmacro %}


{% macro lifetime_step_table() %}
    {#- The table of the lifetime step that this model reads (its config step_table, in its
        schema: customer_scoring.lifetime.run_step writes it there). Fails, saying what to
        run, when the step has not written it, or wrote it for another as-of date (both
        tables carry reference_date per date_role). -#}
    {%- set relation = api.Relation.create(
        database=this.database, schema=this.schema, identifier=config.get('step_table')) -%}
    {%- if execute -%}
        {%- set found = adapter.get_relation(
            database=relation.database, schema=relation.schema, identifier=relation.identifier) -%}
        {%- set command = "python -m customer_scoring lifetime (it runs the step between two dbt "
            ~ "builds; docs/engines.md)" -%}
        {%- if found is none -%}
            {{ exceptions.raise_compiler_error(
                "var lifetime_step is true but the lifetime step has not written " ~ relation
                ~ ": build with " ~ command ~ ", or set lifetime_step to false.") }}
        {%- endif -%}
        {%- set dates = run_query(
            "select distinct reference_date from " ~ found ~ " where date_role = 'scoring'") -%}
        {%- set written = dates.columns[0].values() | map('string') | list -%}
        {#- no date: no buyers at all (the step wrote its empty answer for this run) -#}
        {%- if written not in ([as_of_date_iso()], ['None'], []) -%}
            {{ exceptions.raise_compiler_error(
                relation ~ " holds the lifetime step's results as of " ~ (written | join(', ') or 'no date')
                ~ ", not as_of_date " ~ as_of_date_iso() ~ ": build with " ~ command ~ ".") }}
        {%- endif -%}
    {%- endif -%}
    {{ return(relation) }}
{% endmacro %}
