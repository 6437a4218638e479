{#- Audiences as code (docs/audiences.md): the fields and operators of the rule language
    (seeds/audience_rules.csv), and the salted hash that assigns control groups. -#}

{% macro audience_fields() %}
    {#- Every field an audience rule may name: {field: kind}. kind text: compared as text
        (eq, ne, in, not_in); number: gt, gte, lt, lte and decile_gte, decile_lte (decile
        1..10 among the customers with a value, 10 = highest). Each field is a
        column of int_audience_profiles of the same name, except interest (one row per
        topic of the preference centre); booleans are the text true or false. -#}
    {{ return({
        'segment': 'text', 'value_tier': 'text', 'rfm_code': 'text', 'customer_type': 'text',
        'churn_risk_band': 'text', 'best_next_category': 'text',
        'is_inactive': 'text', 'requires_prepayment': 'text',
        'gender': 'text', 'age_band': 'text', 'country': 'text', 'region': 'text', 'town_size': 'text',
        'housing_type': 'text', 'acquisition_channel': 'text',
        'company_sector': 'text', 'company_size': 'text', 'interest': 'text',
        'recency_days': 'number', 'frequency': 'number', 'monetary': 'number', 'rfm_score': 'number',
        'engagement_score': 'number', 'purchase_score': 'number', 'purchase_probability': 'number',
        'satisfaction_score': 'number', 'cross_sell_score': 'number', 'reactivation_score': 'number',
        'churn_probability': 'number', 'clv': 'number', 'payment_risk_score': 'number',
        'recovery_score': 'number', 'company_headcount': 'number',
    }) }}
{% endmacro %}


{% macro audience_operators() %}
    {#- Every operator of the rule language: {operator: field kinds it applies to}. Text:
        eq, ne, in, not_in (values separated by |); number: gt, gte, lt, lte on the value,
        decile_gte, decile_lte on its decile (1..10, 10 = highest). -#}
    {{ return({
        'eq': ['text'], 'ne': ['text'], 'in': ['text'], 'not_in': ['text'],
        'gt': ['number'], 'gte': ['number'], 'lt': ['number'],
        'lte': ['number'], 'decile_gte': ['number'], 'decile_lte': ['number'],
    }) }}
{% endmacro %}


{% macro salted_hash_fraction(expression) %}
    {#- A number in [0, 1) from the MD5 of the salt, '|' and `expression` (text): the same
        on every engine and run for the same salt and value, uniform across values. -#}
    {%- set salted = "'" ~ (customer_scoring.hash_salt() | replace("'", "''")) ~ "|' || "
        ~ expression -%}
    {{ return(adapter.dispatch('salted_hash_fraction', 'customer_scoring')(salted)) }}
{% endmacro %}

{% macro default__salted_hash_fraction(salted) %}
    {#- PostgreSQL: the first 8 hex digits of md5() as a 32-bit number. -#}
    cast(('x' || substr(md5({{ salted }}), 1, 8))::bit(32)::bigint as {{ dbt.type_float() }}) / 4294967296.0
{%- endmacro %}

{% macro spark__salted_hash_fraction(salted) %}
    cast(cast(conv(substr(md5({{ salted }}), 1, 8), 16, 10) as bigint) as {{ dbt.type_float() }}) / 4294967296.0
{%- endmacro %}

{% macro duckdb__salted_hash_fraction(salted) %}
    cast(cast('0x' || substr(md5({{ salted }}), 1, 8) as bigint) as {{ dbt.type_float() }}) / 4294967296.0
{%- endmacro %}


{% macro audience_holdout_share() %}
    {#- var audience_holdout_share: a share of customers in [0, 1). -#}
    {%- set share = var('audience_holdout_share', 0.05) -%}
    {%- if share is not number or share is boolean or share < 0 or share >= 1 -%}
        {{ exceptions.raise_compiler_error("audience_holdout_share must be a share of customers, 0 or more and "
            ~ "below 1 (e.g. 0.05); got '" ~ share ~ "'.") }}
    {%- endif -%}
    {{ return(share) }}
{% endmacro %}


{% macro audience_fatigue_days() %}
    {#- var audience_fatigue_days: whole days, 0 (no cap) or more. -#}
    {%- set days = var('audience_fatigue_days', 7) -%}
    {%- if days is not number or days is boolean or days < 0 or days != days | int -%}
        {{ exceptions.raise_compiler_error("audience_fatigue_days must be a whole number of days, 0 (no cap) "
            ~ "or more; got '" ~ days ~ "'.") }}
    {%- endif -%}
    {{ return(days | int) }}
{% endmacro %}


{% macro erasure_key(expression) %}
    {#- The key an erasure request is kept under: the customer's pseudonymous key (macro
        pseudonymous_key: SHA-256 of WAREHOUSE_HASH_SALT, '|' and the id), the same key the
        public layer shows. The warehouse stores this key, never the erased id. -#}
    {{ customer_scoring.pseudonymous_key(expression) }}
{%- endmacro %}


{% macro not_erased(column, rights_requests) %}
    {#- True for a row whose customer id (`column`) has no erasure request: base models keep
        only such rows, so an erased customer reaches no relation on the next run.
        rights_requests: ref('base_privacy__rights_requests'); none (source freshness, which
        renders the base model but may not ref() it) keeps every row. -#}
    {%- if rights_requests is none %}true{% else %}
    ({{ column }} is null or {{ customer_scoring.erasure_key(column) }} not in (
        select customer_key from {{ rights_requests }}
        where request_type = 'erasure' and customer_key is not null
    )){% endif %}
{%- endmacro %}


{% macro purge_erased_customers(rights_requests, column='customer_id') %}
    {#- Post-hook of the incremental and history relations: delete the rows of customers
        with an erasure request, including rows of earlier runs and as-of dates that the
        run itself does not rewrite. rights_requests: ref('base_privacy__rights_requests'). -#}
    {{ return(adapter.dispatch('purge_erased_customers', 'customer_scoring')(rights_requests, column)) }}
{%- endmacro %}

{% macro erased_customer_rows(rights_requests, column) %}
    {#- Predicate: the row is of a customer with an erasure request. -#}
    {{ customer_scoring.erasure_key(column) }} in (
        select customer_key from {{ rights_requests }}
        where request_type = 'erasure' and customer_key is not null
    )
{%- endmacro %}

{% macro default__purge_erased_customers(rights_requests, column) %}
    delete from {{ this }}
    where {{ customer_scoring.erased_customer_rows(rights_requests, column) }}
{%- endmacro %}

{% macro spark__purge_erased_customers(rights_requests, column) %}
    {#- Parquet tables take no DELETE (that needs Delta or Iceberg), and Spark cannot
        overwrite a table it reads: when erased customers have rows, the rows to keep go to
        a table beside it and replace the whole table from there (static overwrite: a
        partition left without rows is emptied too). The hook itself is then empty. -#}
    {%- if execute -%}
        {%- set found = run_query('select count(*) from ' ~ this ~ ' where '
            ~ customer_scoring.erased_customer_rows(rights_requests, column)).columns[0].values()[0] -%}
        {%- if found > 0 -%}
            {%- set kept = this.incorporate(path={'identifier': this.identifier ~ '__kept'}) -%}
            {%- do run_query('drop table if exists ' ~ kept) -%}
            {%- do run_query('create table ' ~ kept ~ ' using parquet as select * from ' ~ this
                ~ ' where not coalesce(' ~ customer_scoring.erased_customer_rows(rights_requests, column)
                ~ ', false)') -%}
            {%- do run_query('set spark.sql.sources.partitionOverwriteMode = STATIC') -%}
            {%- do run_query('insert overwrite table ' ~ this ~ ' select * from ' ~ kept) -%}
            {%- do run_query('set spark.sql.sources.partitionOverwriteMode = DYNAMIC') -%}
            {%- do run_query('drop table ' ~ kept) -%}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
