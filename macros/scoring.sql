{#- Scoring building blocks. Both are dispatched so an engine can override them. -#}

{% macro tie_safe_ntile(value, buckets=5, higher_is_better=true, partition_by=none) %}
    {{ return(adapter.dispatch('tie_safe_ntile', 'customer_scoring')(value, buckets, higher_is_better, partition_by)) }}
{% endmacro %}

{% macro default__tie_safe_ntile(value, buckets, higher_is_better, partition_by) %}
    {#- Bucket 1..buckets of `value` among all rows of the query, `buckets` = best.

        Mid-rank rule: with N rows, B rows strictly worse than this value and E rows equal
        to it (itself included), the bucket is 1 + floor(buckets * (B + E/2) / N): a tied
        group lands where its middle member would fall, so equal values always share a
        bucket, whatever the engine or the row order. A group of ties wider than a bucket
        can leave a neighbouring bucket empty (all rows equal -> all get the middle bucket).

        The division is exact: buckets * (2B + E) and 2N are integers, and a quotient below
        `buckets` that is not an integer lies at least 1/(2N) from the next integer, far
        more than double-precision rounding, so floor() gives the same bucket everywhere.
        Nulls are not ranked: filter them out first (they sort last on every engine, but
        still count in N). partition_by (optional) ranks within groups, e.g. per product
        category.

        2B + E = ranks_through_ties - 1, in one sort. -#}
    {%- if buckets is not number or buckets is boolean or buckets < 2 or buckets != (buckets | int) -%}
        {{ exceptions.raise_compiler_error(
            "tie_safe_ntile: buckets must be a whole number of at least 2; got '" ~ buckets ~ "'.") }}
    {%- endif -%}
    {%- set direction = 'asc' if higher_is_better else 'desc' -%}
    {%- set group = 'partition by ' ~ partition_by if partition_by else '' -%}
    cast(1 + floor(
        cast({{ buckets }} * (
            {{ customer_scoring.ranks_through_ties(value, partition_by, direction) }} - 1
        ) as {{ dbt.type_float() }})
        / (2 * count(*) over ({{ group }}))
    ) as integer)
{%- endmacro %}


{% macro weighted_score(criteria, weights, scale=100, skip_nulls=false) %}
    {{ return(adapter.dispatch('weighted_score', 'customer_scoring')(criteria, weights, scale, skip_nulls)) }}
{% endmacro %}

{% macro default__weighted_score(criteria, weights, scale, skip_nulls) %}
    {#- Weighted mean of named criteria, rescaled to 0..scale, rounded to 2 decimals.

        criteria:   {name: {'expression': sql, 'min': lowest value, 'max': highest value}}.
                    Each criterion is first put on 0..1 by (expression - min) / (max - min).
        weights:    {name: non-negative number}; criteria without a weight weigh 0.
        skip_nulls: false: null when any weighted criterion is null.
                    true: the mean over the criteria that have a value (their weights
                    re-normalised); null only when none has one.
        Result:     scale * sum(weight * normalised) / sum(weights), as decimal(9, 2). -#}
    {%- set parts = customer_scoring.weighted_terms(criteria, weights, skip_nulls) -%}
    cast(round(cast(
        {{ scale }} * ({{ parts.terms | join(' + ') }}) / {{ parts.total }} as {{ dbt.type_numeric() }}
    ), 2) as decimal(9, 2))
{%- endmacro %}


{% macro weighted_terms(criteria, weights, skip_nulls=false) %}
    {#- The pieces of a weighted_score: {'terms': ['weight * normalised', ...] in criteria
        order, 'total': the divisor}. -#}
    {%- set checked = customer_scoring.validated_weights(criteria, weights) -%}
    {%- set terms = [] -%}
    {%- set present = [] -%}
    {%- for name, weight in checked.items() if weight > 0 -%}
        {%- set spec = criteria[name] -%}
        {%- set normalised = '(cast(' ~ spec['expression'] ~ ' as ' ~ dbt.type_float() ~ ') - ' ~ spec['min']
            ~ ') / ' ~ (spec['max'] - spec['min']) -%}
        {%- set term = weight ~ ' * ' ~ ('coalesce(' ~ normalised ~ ', 0)' if skip_nulls else normalised) -%}
        {%- do terms.append(term) -%}
        {%- do present.append(weight ~ ' * (case when ' ~ spec['expression'] ~ ' is not null then 1 else 0 end)') -%}
    {%- endfor -%}
    {%- set total = ('nullif(' ~ (present | join(' + ')) ~ ', 0)') if skip_nulls else (checked.values() | sum) -%}
    {{ return({'terms': terms, 'total': total}) }}
{% endmacro %}


{% macro validated_weights(criteria, weights) %}
    {#- weights checked against criteria; returns {criterion: weight} for every criterion. -#}
    {%- if criteria is not mapping or criteria | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            "weighted_score: criteria must be a non-empty mapping of name -> {expression, min, max}.") }}
    {%- endif -%}
    {%- for name, spec in criteria.items() -%}
        {%- if spec is not mapping or 'expression' not in spec or spec.get('min') is not number
            or spec.get('max') is not number or spec['max'] <= spec['min'] -%}
            {{ exceptions.raise_compiler_error(
                "weighted_score: criterion '" ~ name ~ "' needs an expression and numeric min < max; got "
                ~ spec ~ ".") }}
        {%- endif -%}
    {%- endfor -%}
    {%- if weights is not mapping -%}
        {{ exceptions.raise_compiler_error(
            "weighted_score: weights must be a mapping of criterion -> number, e.g. {"
            ~ (criteria.keys() | join(': 1, ')) ~ ": 1}; got '" ~ weights ~ "'.") }}
    {%- endif -%}
    {%- set checked = {} -%}
    {%- for name in criteria -%}{%- do checked.update({name: 0}) -%}{%- endfor -%}
    {%- for name, weight in weights.items() -%}
        {%- if name not in criteria -%}
            {{ exceptions.raise_compiler_error(
                "weighted_score: weight given for unknown criterion '" ~ name ~ "'. Known criteria: "
                ~ (criteria.keys() | join(', ')) ~ ".") }}
        {%- endif -%}
        {%- if weight is not number or weight is boolean or weight < 0 -%}
            {{ exceptions.raise_compiler_error(
                "weighted_score: the weight of '" ~ name ~ "' must be a number of at least 0; got '"
                ~ weight ~ "'.") }}
        {%- endif -%}
        {%- do checked.update({name: weight}) -%}
    {%- endfor -%}
    {%- if checked.values() | sum <= 0 -%}
        {{ exceptions.raise_compiler_error(
            "weighted_score: at least one weight must be above 0; got " ~ weights ~ ".") }}
    {%- endif -%}
    {{ return(checked) }}
{% endmacro %}


{% macro mid_rank(value, partition_by) %}
    {#- Rank of `value` (ascending) within partition_by, ties sharing their mean rank: the
        input of rank_auc. -#}
    {#- The ties' mean rank B + (E + 1) / 2 is half of ranks_through_ties. -#}
    {{ customer_scoring.ranks_through_ties(value, partition_by) }} / 2.0
{%- endmacro %}


{% macro ranks_through_ties(value, partition_by=none, direction='asc') %}
    {#- 2B + E + 1 for each row, with B rows before its `value` in `direction` (within
        partition_by, when given) and E rows equal to it, itself included: rank() = B + 1
        plus count(*) over the same order = B + E (its default frame, range up to the
        current row, takes in the row's ties). One sort for both, where a count partitioned
        by the value took a second (audience_attributes at 10M orders: 6.2 -> 4.0 s;
        docs/benchmark.md). Nulls sort last on every engine. The shared step of
        tie_safe_ntile and mid_rank. -#}
    {%- set group = 'partition by ' ~ partition_by ~ ' ' if partition_by else '' -%}
    {%- set ordered = group ~ 'order by ' ~ value ~ ' ' ~ direction ~ ' nulls last' -%}
    (rank() over ({{ ordered }}) + count(*) over ({{ ordered }}))
{%- endmacro %}


{% macro rank_auc(positive_rank_sum, positives, total) %}
    {#- AUC from ranks (Mann-Whitney): the chance that a row with the outcome outscores
        one without, ties counting half: (sum of the mid-ranks of the P rows with the
        outcome - P (P + 1) / 2) / (P * N). Null when P or N is 0. -#}
    ({{ positive_rank_sum }} - {{ positives }} * ({{ positives }} + 1) / 2.0)
    / nullif({{ positives }} * ({{ total }} - {{ positives }}), 0)
{%- endmacro %}


{% macro rfm_scored(orders, reference_dates) %}
    {#- A select: recency (days from the last order to the reference date), frequency
        (distinct orders), monetary (net amount), their tie-safe quintile scores (5 = best)
        and the weighted RFM score (var rfm_weights) of every customer with an order in
        `orders` on or before a reference date, ranked among the customers of the same
        reference. `orders`: qualifying orders (customer_id, order_id, ordered_date,
        net_amount); `reference_dates`: one row per reference (reference_key,
        reference_date, window_start_date: the first day that counts, null for all
        history). Columns: reference_key, reference_date, customer_id, first_order_date,
        last_order_date, recency_days, frequency, monetary, r_score, f_score, m_score,
        rfm_score. The one home of RFM scoring: int_customers_rfm_scored (the as-of date)
        and int_campaign_launch_rfm (the day before each campaign's start) select from it. -#}
    select
        *,
        {{ customer_scoring.weighted_score(customer_scoring.rfm_criteria(), var('rfm_weights')) }} as rfm_score
    from (
        select
            *,
            {{ customer_scoring.tie_safe_ntile(
                'recency_days', 5, higher_is_better=false, partition_by='reference_key') }} as r_score,
            {{ customer_scoring.tie_safe_ntile('frequency', 5, partition_by='reference_key') }} as f_score,
            {{ customer_scoring.tie_safe_ntile('monetary', 5, partition_by='reference_key') }} as m_score
        from (
            select
                reference_dates.reference_key,
                reference_dates.reference_date,
                orders.customer_id,
                min(orders.ordered_date) as first_order_date,
                max(orders.ordered_date) as last_order_date,
                {{ dbt.datediff('max(orders.ordered_date)', 'reference_dates.reference_date', 'day') }}
                    as recency_days,
                count(distinct orders.order_id) as frequency,
                sum(orders.net_amount) as monetary
            from {{ reference_dates }} as reference_dates
            inner join {{ orders }} as orders
                on
                    orders.ordered_date <= reference_dates.reference_date
                    and (
                        reference_dates.window_start_date is null
                        or orders.ordered_date >= reference_dates.window_start_date
                    )
            group by reference_dates.reference_key, reference_dates.reference_date, orders.customer_id
        ) as measured
    ) as scored
{%- endmacro %}
