{% macro generate_schema_name(custom_schema_name, node) %}
    {#- A model with a schema config is built in that schema, named as written (bi, not
        main_bi): BI tools and grants name it. Everything else goes to the target's schema
        (main on DuckDB), the restricted layer; tests' stored failures keep dbt's naming
        (main_dbt_test__audit). -#}
    {%- if custom_schema_name is none or node.resource_type != 'model' -%}
        {{ default__generate_schema_name(custom_schema_name, node) }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{% endmacro %}
