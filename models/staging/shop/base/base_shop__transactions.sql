{{ config(
    materialized=('incremental' if raw_input_deliveries('transactions') else 'table'),
    incremental_strategy='delete+insert',
    unique_key='source_file',
    on_schema_change='fail',
    post_hook=(["{{ purge_erased_customers(ref('base_privacy__rights_requests')) }}"]
        if raw_input_deliveries('transactions') else []),
) }}
{#- Every raw transaction row, typed, with the reason it is unfit for scoring (or null).
    Reason codes: docs/inputs.md (the contract) and docs/bring-your-own.md.
    stg_shop__transactions keeps the fit rows; marts/data_quality shows the others.
    A table, not a view: the checks run once per build however many models and tests
    read it. amount_raw and ordered_at_raw (the values as read, as text) are filled on
    quarantined rows only, where quarantined_rows shows them. -#}
{%- set raw = source('shop', 'transactions') -%}
{%- set input = raw_input_contract('transactions') -%}
{%- set label = 'The transactions file ' ~ raw_input_path('transactions') -%}
{%- set load_date = load_date_iso() -%}
{%- set columns = relation_columns(raw_input(raw)) -%}
{#- a folder of deliveries (transactions_path with a '*', macros/deliveries.sql): the
    files not loaded yet, and rows numbered by file; copies of rows loaded by earlier runs
    count too (earlier_copies) -#}
{%- set deliveries = raw_input_deliveries('transactions') -%}
{%- set incremental = deliveries and model.resource_type == 'model' and is_incremental() -%}
{%- set batch = delivery_batch('transactions', this if incremental else none) if deliveries else [] -%}
{%- set delivery_columns = ['source_file', 'source_file_size', 'source_file_modified_at', 'row_hash']
    if deliveries else [] -%}

with

numbered as (

    {% if deliveries -%}
        {{ delivery_rows(raw, batch) }}
    {%- else -%}
        {{ raw_source_rows(raw, copies=true) }}
    {%- endif %}

),

typed as (

    select
        -- ids
        source_row_number,
        nullif(trim({{ contract_column(input, columns, 'order_id') }}), '') as order_id,
        nullif(trim({{ contract_column(input, columns, 'customer_id') }}), '') as customer_id,
        nullif(trim({{ contract_column(input, columns, 'product_id') }}), '') as product_id,

        -- strings
        coalesce(
            upper(nullif(trim({{ contract_column(input, columns, 'currency') }}), '')),
            '{{ reporting_currency() }}'
        ) as currency,
        coalesce(
            lower(nullif(trim({{ contract_column(input, columns, 'status') }}), '')),
            'completed'
        ) as line_status,
        -- the values as read, shown for quarantined rows (texted in final, for those only)
        {{ input_column(columns, 'amount', 'raw', true, label) }} as amount_read,
        {{ input_column(columns, 'ordered_at', 'raw', true, label) }} as ordered_at_read,

        -- numerics
        {{ contract_column(input, columns, 'line_number') }} as line_number,
        {{ contract_column(input, columns, 'quantity') }} as quantity,
        {{ contract_column(input, columns, 'amount') }} as amount,

        -- timestamps
        {{ contract_column(input, columns, 'ordered_at') }} as ordered_at,

        -- exact copies of an earlier row get a number above 1
        copy_number{% for column in delivery_columns %},
        {{ column }}{% endfor %}

    from numbered

),
{%- if incremental %}

-- copies among the rows of files loaded by earlier runs (and not read again now): the
-- same hash of every column as read, and the same values
earlier_copies as (

    select
        typed.source_row_number,
        count(*) as earlier_copies
    from typed
    -- the loaded rows of a hash the batch has first: a scan of one column, then the values
    -- of the few that share one (10M orders: 1.2-1.5 s -> 1.1 s for a night's 52,618 rows)
    inner join (
        select * from {{ this }}
        where row_hash in (select batch.row_hash from typed as batch)
    ) as loaded
        on
            loaded.row_hash = typed.row_hash
            and loaded.source_row_number < typed.source_row_number
            {%- for column in ['order_id', 'customer_id', 'product_id', 'currency', 'line_status',
                'line_number', 'quantity', 'amount', 'ordered_at'] %}
            and loaded.{{ column }} is not distinct from typed.{{ column }}
            {%- endfor %}
    where loaded.source_file not in (
        {%- for delivery in batch %}{{ sql_string(delivery.file) }}{{ ', ' if not loop.last }}{% endfor -%}
        {{- "''" if not batch }})
    group by typed.source_row_number

),

counted as (

    select
        typed.* replace (typed.copy_number + coalesce(earlier_copies.earlier_copies, 0) as copy_number)
    from typed
    left join earlier_copies on typed.source_row_number = earlier_copies.source_row_number

),
{%- endif %}

judged as (

    select
        *,
        case
            when order_id is null then 'missing_order_id'
            when customer_id is null then 'missing_customer_id'
            when not {{ contract_rule(input, 'scientific_notation_id') }} then 'scientific_notation_id'
            when ordered_at is null then 'invalid_ordered_at'
            when not {{ contract_rule(input, 'placeholder_date') }} then 'placeholder_date'
            when amount is null then 'invalid_amount'
            when amount <= 0 then 'non_positive_amount'
            when amount > {{ max_line_amount() }} then 'implausible_amount'
            {% if load_date -%}
                when cast(ordered_at as date) > cast('{{ load_date }}' as date) then 'date_in_future'
            {% endif -%}
            when line_status not in ('completed', 'cancelled', 'returned', 'refunded')
                then 'unknown_status'
            when copy_number > 1 then 'duplicate_row'
        end as rejection_reason
    from {{ 'counted' if incremental else 'typed' }}

),

final as (

    select
        -- ids
        source_row_number,
        order_id,
        customer_id,
        product_id,

        -- strings
        currency,
        line_status,
        -- as text on quarantined rows only: texting all 19 million rows of the 10M-order
        -- demo took 3 s of the 9 s its typing takes
        case
            when rejection_reason is not null then {{ dbt.safe_cast('amount_read', dbt.type_string()) }}
        end as amount_raw,
        case
            when rejection_reason is not null then {{ dbt.safe_cast('ordered_at_read', dbt.type_string()) }}
        end as ordered_at_raw,
        rejection_reason,

        -- numerics
        line_number,
        quantity,
        amount,
        copy_number,

        -- timestamps
        ordered_at{% for column in delivery_columns %},

        {% if loop.first %}-- the delivery (folder of deliveries only)
        {% endif %}{{ column }}{% endfor %}

    from judged

)

select * from final
-- customers with an erasure request leave the warehouse here (docs/audiences.md)
where {{ not_erased('customer_id', ref('base_privacy__rights_requests')) }}
