-- The segment map of var segment_map is in seeds/rfm_segment_map.csv: otherwise no
-- customer would get a segment. Returns the problem, with the known maps, when it is not;
-- dbt build then skips everything that reads the map.

with

maps as (

    select distinct segment_map from {{ ref('rfm_segment_map') }}

),

known as (

    select {{ dbt.listagg('segment_map', "', '", "order by segment_map") }} as known_maps
    from maps

)

select
    {{ segment_map_name() }} as segment_map,
    'segment_map ''' || {{ segment_map_name() }} || ''' is not in seeds/rfm_segment_map.csv. Known maps: '
    || known.known_maps || '. Add its 125 cells to that seed and its segments to seeds/rfm_segments.csv.'
        as problem
from known
where not exists (
        select 1 from maps
        where maps.segment_map = {{ segment_map_name() }}
    )
