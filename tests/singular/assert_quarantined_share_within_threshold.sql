-- A source whose quarantined share exceeds var max_quarantined_share fails the run:
-- bad data in bulk (a broken export, a changed format) must stop the scores, not shift them.

with

per_source as (

    select
        source_name,
        sum(quarantined_rows) as quarantined_rows,
        max(source_rows) as source_rows
    from {{ ref('data_quality_summary') }}
    group by source_name

)

select
    source_name,
    quarantined_rows,
    source_rows,
    {{ var('max_quarantined_share') | float }} as max_quarantined_share
from per_source
where quarantined_rows > source_rows * {{ var('max_quarantined_share') | float }}
