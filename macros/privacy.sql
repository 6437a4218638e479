{#- Privacy by construction for the public layer (models/public, schema bi): pseudonymous
    customer keys and the suppression of small aggregate cells (docs/privacy.md). -#}

{% macro hash_salt() %}
    {#- The secret salt of every pseudonymous key: environment variable WAREHOUSE_HASH_SALT,
        never a var (vars are written to the manifest and to command lines). The default is
        for the demo and the tests only, and is not a secret. -#}
    {%- set salt = env_var('WAREHOUSE_HASH_SALT', 'customer-scoring-demo-salt') -%}
    {%- if salt | trim == '' -%}
        {{ exceptions.raise_compiler_error(
            "WAREHOUSE_HASH_SALT is set but empty: unset it (demo salt) or set a secret of your own."
        ) }}
    {%- endif -%}
    {{ return(salt) }}
{% endmacro %}


{% macro pseudonymous_key(column, salt=none) %}
    {#- The pseudonymous key of a raw id: lower-case hex SHA-256 of the salt, '|' and the id as
        text, identical on every engine; null for a null id. salt: a SQL expression, by
        default the secret of hash_salt() as a literal (the macro test passes a column of
        cases). Dispatched. -#}
    {%- set salt_sql = salt if salt is not none
        else "'" ~ (customer_scoring.hash_salt() | replace("'", "''")) ~ "'" -%}
    {%- set salted = salt_sql ~ " || '|' || cast(" ~ column ~ " as " ~ dbt.type_string() ~ ")" -%}
    {{ return(adapter.dispatch('pseudonymous_key', 'customer_scoring')(salted)) }}
{% endmacro %}

{% macro default__pseudonymous_key(salted) %}
    {#- PostgreSQL 11 and later: sha256() takes bytes. -#}
    encode(sha256(convert_to({{ salted }}, 'UTF8')), 'hex')
{%- endmacro %}

{% macro duckdb__pseudonymous_key(salted) %}
    sha256({{ salted }})
{%- endmacro %}

{% macro spark__pseudonymous_key(salted) %}
    sha2({{ salted }}, 256)
{%- endmacro %}


{% macro min_cell_size() %}
    {#- k of k-anonymity (var min_cell_size): an aggregate cell of fewer customers is suppressed. -#}
    {%- set k = var('min_cell_size', 10) -%}
    {%- if k is not number or k is boolean or k < 1 or k != k | int -%}
        {{ exceptions.raise_compiler_error("min_cell_size must be a whole number of customers, 1 or more; got '"
            ~ k ~ "'.") }}
    {%- endif -%}
    {{ return(k | int) }}
{% endmacro %}


{% macro is_small_cell(customers) %}
    {#- True when a cell of `customers` customers is under min_cell_size (and must be suppressed). -#}
    coalesce({{ customers }}, 0) < {{ customer_scoring.min_cell_size() }}
{%- endmacro %}


{% macro unless_small_cell(measure, customers) %}
    {#- `measure`, or null in a cell of fewer than min_cell_size customers. -#}
    case when not ({{ customer_scoring.is_small_cell(customers) }}) then {{ measure }} end
{%- endmacro %}
