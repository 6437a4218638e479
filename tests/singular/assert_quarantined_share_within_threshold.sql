-- A source whose quarantined share exceeds var max_quarantined_share fails the run:
-- bad data in bulk (a broken export, a changed format) must stop the scores, not shift them.
-- Each failing source is also named in a warning that dbt build prints (and the nightly
-- run's failure message repeats): its share and count, the threshold, the var that sets
-- it, and its top reasons.
{%- set threshold = var('max_quarantined_share') | float -%}
{%- set text = dbt.type_string() -%}

{%- set failing -%}
with

per_reason as (

    select
        source_name,
        rejection_reason,
        sum(quarantined_rows) as quarantined_rows,
        max(source_rows) as source_rows
    from {{ ref('data_quality_summary') }}
    where rejection_reason is not null
    group by source_name, rejection_reason

),

ranked as (

    select
        *,
        row_number() over (
            partition by source_name order by quarantined_rows desc, rejection_reason
        ) as reason_rank
    from per_reason

),

per_source as (

    select
        source_name,
        sum(quarantined_rows) as quarantined_rows,
        max(source_rows) as source_rows,
        {{ dbt.listagg(
            "case when reason_rank <= 3 then rejection_reason || ' ' || cast(quarantined_rows as "
            ~ text ~ ") end",
            "', '",
            "order by reason_rank",
        ) }} as top_reasons
    from ranked
    group by source_name

)

select
    source_name,
    quarantined_rows,
    source_rows,
    cast(quarantined_rows * 1.0 / source_rows as decimal(9, 6)) as quarantined_share,
    {{ threshold }} as max_quarantined_share,
    top_reasons
from per_source
where quarantined_rows > source_rows * {{ threshold }}
{%- endset -%}

{%- if execute and flags.WHICH in ('build', 'test') and load_relation(ref('data_quality_summary')) -%}
    {%- for row in run_query(failing).rows -%}
        {%- do exceptions.warn(
            "assert_quarantined_share_within_threshold: " ~ row[0] ~ " has " ~ row[1] ~ " of "
            ~ row[2] ~ " rows quarantined (" ~ '%.1f' | format(row[3] * 100) ~ "%), above var "
            ~ "max_quarantined_share = " ~ threshold ~ " (" ~ '%g' | format(threshold * 100) ~ "%). "
            ~ "Top reasons: " ~ row[5] ~ ". See quarantined_rows and docs/bring-your-own.md; "
            ~ "raise the var (--vars '{max_quarantined_share: ...}') only if these rows are expected.") -%}
    {%- endfor -%}
{%- endif %}

{{ failing }}
