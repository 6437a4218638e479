{{ config(materialized='table') }}
{#- Every raw data-subject request, typed, with the reason it is unfit (or null). Empty
    without a rights requests file. Erasure requests keep no id: only customer_key, the
    salted hash every base model filters on (macro not_erased). -#}
{%- set raw = source('privacy', 'rights_requests') -%}
{%- set path = raw_input_path('rights_requests') -%}
{%- set input = raw_input_contract('rights_requests') -%}
{%- set columns = relation_columns(raw_input(raw)) if path else {} -%}
{%- set load_date = load_date_iso() -%}

with

numbered as (

    {{ raw_source_rows(raw, copies=true) }}

),

typed as (

    select
        -- ids
        source_row_number,
        nullif(trim({{ contract_column(input, columns, 'customer_id') }}), '') as customer_id,

        -- strings
        lower(nullif(trim({{ contract_column(input, columns, 'request_type') }}), '')) as request_type,

        -- dates
        {{ contract_column(input, columns, 'requested_at') }} as requested_at,

        copy_number

    from numbered

),

checked as (

    select
        *,
        case
            when customer_id is null then 'missing_customer_id'
            when not {{ contract_rule(input, 'scientific_notation_id') }} then 'scientific_notation_id'
            when requested_at is null then 'invalid_requested_at'
            when not {{ contract_rule(input, 'placeholder_date') }} then 'placeholder_date'
            {% if load_date -%}
                when requested_at > cast('{{ load_date }}' as date) then 'date_in_future'
            {% endif -%}
            when request_type is null or request_type not in ('objection_to_profiling', 'erasure')
                then 'unknown_request_type'
            when copy_number > 1 then 'duplicate_row'
        end as rejection_reason,
        case when customer_id is not null then {{ erasure_key('customer_id') }} end as customer_key
    from typed

),

erasures as (

    select customer_key from checked
    where request_type = 'erasure' and customer_key is not null

),

final as (

    select
        -- ids
        checked.source_row_number,
        -- an erased customer's id is never stored, in no request of theirs: the salted
        -- hash (customer_key) is
        case
            when checked.customer_key not in (select erasures.customer_key from erasures) then checked.customer_id
        end as customer_id,
        checked.customer_key,

        -- strings
        checked.request_type,

        -- dates
        checked.requested_at,

        checked.copy_number,
        checked.rejection_reason

    from checked

)

select * from final
