-- Every segment map puts each of the 125 R-F-M cells in exactly one segment, every segment
-- it uses is described in rfm_segments, and every described segment is reachable.
-- Returns one row per violation.

with

scores as (

    select 1 as score
    union all
    select 2
    union all
    select 3
    union all
    select 4
    union all
    select 5

),

maps as (

    select distinct segment_map from {{ ref('rfm_segment_map') }}

),

cells as (

    select
        maps.segment_map,
        r.score as r_score,
        f.score as f_score,
        m.score as m_score
    from maps
    cross join scores as r
    cross join scores as f
    cross join scores as m

),

cell_counts as (

    select
        cells.segment_map,
        cells.r_score,
        cells.f_score,
        cells.m_score,
        count(segment_map.segment) as segments_for_cell
    from cells
    left join {{ ref('rfm_segment_map') }} as segment_map
        on
            cells.segment_map = segment_map.segment_map
            and cells.r_score = segment_map.r_score
            and cells.f_score = segment_map.f_score
            and cells.m_score = segment_map.m_score
    group by cells.segment_map, cells.r_score, cells.f_score, cells.m_score

),

undescribed as (

    select distinct
        segment_map.segment_map,
        segment_map.segment
    from {{ ref('rfm_segment_map') }} as segment_map
    left join {{ ref('rfm_segments') }} as segments
        on
            segment_map.segment_map = segments.segment_map
            and segment_map.segment = segments.segment
    where segments.segment is null

),

unreachable as (

    select
        segments.segment_map,
        segments.segment
    from {{ ref('rfm_segments') }} as segments
    left join {{ ref('rfm_segment_map') }} as segment_map
        on
            segments.segment_map = segment_map.segment_map
            and segments.segment = segment_map.segment
    where segment_map.segment is null

),

final as (

    select
        segment_map,
        'cell '
        || cast(r_score as {{ dbt.type_string() }})
        || cast(f_score as {{ dbt.type_string() }})
        || cast(m_score as {{ dbt.type_string() }})
        || ' has ' || cast(segments_for_cell as {{ dbt.type_string() }}) || ' segments' as problem
    from cell_counts
    where segments_for_cell != 1
    union all
    select
        segment_map,
        'segment ' || segment || ' is not in rfm_segments' as problem
    from undescribed
    union all
    select
        segment_map,
        'segment ' || segment || ' is reached by no cell' as problem
    from unreachable

)

select * from final
