{#- Satisfaction per customer and score date, 0-100, from the feedback of the lookback
    window: NPS category (promoter 1, passive 0.5, detractor 0), CSAT and review stars,
    each a mean weighted by recency (half-life per criterion, var satisfaction_criteria).
    Criteria without feedback are left out and the others re-weighted; a customer without
    any feedback has no satisfaction score (null), not a low one. -#}
{%- set settings = score_settings('satisfaction') -%}

with

population as (

    {{ customers_on_reference_dates() }}

),

activity as (

    {{ activity_before_reference_dates(score_lookback_days()) }}

),

decayed as (

    select
        date_role,
        customer_id,
        {{ decayed_sum(['nps_promoter'], settings.nps.half_life_days) }}
        + 0.5 * {{ decayed_sum(['nps_passive'], settings.nps.half_life_days) }} as nps_points_sum,
        {{ decayed_sum(['nps_promoter', 'nps_passive', 'nps_detractor'], settings.nps.half_life_days) }} as nps_weight_sum,
        {{ decayed_sum(['csat'], settings.csat.half_life_days, 'value_sum') }} as csat_value_sum,
        {{ decayed_sum(['csat'], settings.csat.half_life_days) }} as csat_weight_sum,
        {{ decayed_sum(['review'], settings.review_stars.half_life_days, 'value_sum') }} as stars_value_sum,
        {{ decayed_sum(['review'], settings.review_stars.half_life_days) }} as stars_weight_sum,
        sum(case when interaction_type in ('nps_promoter', 'nps_passive', 'nps_detractor') then interaction_count else 0 end) as nps_answers,
        sum(case when interaction_type = 'csat' then interaction_count else 0 end) as csat_answers,
        sum(case when interaction_type = 'review' then interaction_count else 0 end) as reviews
    from activity
    where interaction_type in ('nps_promoter', 'nps_passive', 'nps_detractor', 'csat', 'review')
    group by date_role, customer_id

),

levels as (

    select
        population.date_role,
        population.reference_date,
        population.customer_id,
        coalesce(decayed.nps_answers, 0) as nps_answers,
        coalesce(decayed.csat_answers, 0) as csat_answers,
        coalesce(decayed.reviews, 0) as reviews,
        decayed.nps_points_sum / nullif(decayed.nps_weight_sum, 0) as nps_level,
        (decayed.csat_value_sum / nullif(decayed.csat_weight_sum, 0) - 1) / 4 as csat_level,
        (decayed.stars_value_sum / nullif(decayed.stars_weight_sum, 0) - 1) / 4 as review_stars_level
    from population
    left join decayed
        on
            population.date_role = decayed.date_role
            and population.customer_id = decayed.customer_id

),

final as (

    select
        *,
        {{ score_outputs('satisfaction', settings, skip_nulls=true) }}
    from levels

)

select * from final
