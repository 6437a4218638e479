-- The lead settings agree with each other: the lookalike bonus is capped below the hand-off
-- threshold, so the bonus alone can never hand a lead off (a lead with no fit and no
-- engagement scores at most the cap), and no lead's bonus exceeds the cap. A row = a breach.

with

settings as (

    select
        cast({{ lead_lookalike_max_bonus() }} as {{ dbt.type_float() }}) as max_bonus,
        cast({{ lead_handoff_threshold() }} as {{ dbt.type_float() }}) as threshold

),

breaches as (

    select
        'lead_lookalike_max_bonus must be below lead_handoff_threshold' as breach,
        max_bonus as observed,
        threshold as allowed
    from settings
    where max_bonus >= threshold
    union all
    select
        'a lookalike bonus above lead_lookalike_max_bonus' as breach,
        max(cast(lookalike.lookalike_bonus as {{ dbt.type_float() }})) as observed,
        max(settings.max_bonus) as allowed
    from {{ ref('int_lead_lookalike') }} as lookalike
    cross join settings
    having max(cast(lookalike.lookalike_bonus as {{ dbt.type_float() }})) > max(settings.max_bonus)

)

select * from breaches
