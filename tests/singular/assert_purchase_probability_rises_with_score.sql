-- A higher purchase score never gets a lower purchase probability, and customers of one
-- score band share one probability.

with

bands as (

    select
        score_band,
        min(purchase_probability) as lowest,
        max(purchase_probability) as highest
    from {{ ref('purchase_scores') }}
    group by score_band

),

compared as (

    select
        score_band,
        lowest,
        highest,
        lag(highest) over (order by score_band) as previous_band_highest
    from bands

)

select *
from compared
where lowest != highest or lowest < previous_band_highest
