{#- The one weighting step of every behaviour score: the levels of the score models
    (int_*_levels, long form) with the weights in force (int_score_settings) turned into
    points, scores (0-100) and top factors. One row per score date, customer, category
    (cross-sell only), score and criterion.
    - points = 100 * weight * level / the positive weights of the criteria that have a
      level;
    - a negative weight (e.g. e-mail unsubscribes in engagement) takes points away, at
      most all the points the other criteria gave (the penalties then shrink in
      proportion): the score stays in 0..100;
    - score = the sum of the points before rounding: 100 * sum(weight * level) / those
      weights. A criterion without a level (only satisfaction has some: no feedback of
      its kind) is left out and the others re-weighted; no level at all, no score (null).
    Score and points are rounded to 6 decimals, then to 2: the same on every engine.
    - top_factor: the criterion adding the most points, comparing weight * level at 6
      decimals (a tie in exact arithmetic is a tie on every engine); on a tie the first
      by position; null when none adds any.
    - is_best_category: the category of highest score per customer (cross-sell: the best
      next category; ties: the most bought category, then by name); true for scores
      without categories.
    Recovery is kept for risky debtors only: payment risk at or above
    prepayment_threshold, or money overdue.
    A score none of whose inputs the run has (macro model_inputs_absent: its levels model
    declares them, and bring-your-own mode was given none) skips the windows: every level
    is then the same for everyone (engagement 0, satisfaction null), and so is the answer
    (quiet_categories). The rows are those the windows would give. -#}
{%- set scores = ['engagement', 'purchase', 'satisfaction', 'reactivation', 'payment_risk', 'recovery'] -%}
{%- set quiet_scores = [] -%}
{%- for score in scores if model_inputs_absent('int_' ~ score ~ '_levels') -%}
    {%- do quiet_scores.append(score) -%}
{%- endfor -%}
{%- set level_columns -%}
date_role,
            reference_date,
            customer_id,
            category,
            cast(null as integer) as category_rank,
            score_name,
            criterion,
            cast(measured_value as {{ dbt.type_float() }}) as measured_value,
            cast(criterion_level as {{ dbt.type_float() }}) as criterion_level
{%- endset -%}
{#- what both branches hand on to final -#}
{%- set carried = ['date_role', 'reference_date', 'customer_id', 'category', 'category_rank', 'score_name',
    'criterion', 'measured_value', 'criterion_level', 'position', 'weight', 'score', 'points', 'top_factor',
    'is_best_category'] -%}

with

settings as (

    select * from {{ ref('int_score_settings') }}

),

recovery_candidates as (

    select * from {{ ref('int_recovery_levels') }}

),

levels as (

    {%- for score in scores if score not in quiet_scores %}
        select
            {{ level_columns }}
        from {{ ref('int_' ~ score ~ '_levels') }}
        union all
    {%- endfor %}
    select
        date_role,
        reference_date,
        customer_id,
        category,
        category_rank,
        score_name,
        criterion,
        cast(measured_value as {{ dbt.type_float() }}) as measured_value,
        cast(criterion_level as {{ dbt.type_float() }}) as criterion_level
    from {{ ref('int_cross_sell_levels') }}

),

quiet_levels as (

    {%- for score in quiet_scores %}
        select
            {{ level_columns }}
        from {{ ref('int_' ~ score ~ '_levels') }}
        {% if not loop.last %}union all{% endif %}
    {%- else %}
        select
            {{ level_columns }}
        from {{ ref('int_engagement_levels') }}
        where 1 = 0
    {%- endfor %}

),

raw_terms as (

    select
        levels.*,
        -- the group key's category: null for every score but cross-sell, whose rows all
        -- have one, so '' stands for no category without meeting a real one
        coalesce(levels.category, '') as category_key,
        settings.position,
        settings.weight,
        cast(settings.weight as {{ dbt.type_float() }}) * levels.criterion_level as raw_term,
        -- the term the top factor compares, at 6 decimals: positive weights only, whose
        -- term is the raw one (only penalties shrink)
        case
            when settings.weight > 0
                then cast(
                        coalesce(cast(settings.weight as {{ dbt.type_float() }}) * levels.criterion_level, 0)
                        as decimal(18, 6)
                    )
        end as compared_term
    from levels
    left join settings
        on
            levels.score_name = settings.score_name
            and levels.criterion = settings.criterion

),

totals as (

    -- one pass over each score's criteria (grouped, not windowed: a window sorts every
    -- row, a group by hashes them; docs/benchmark.md): the divisor of the score (the
    -- positive weights of the criteria that have a level), the signed sums of the terms
    -- and the largest positive term
    select
        date_role,
        customer_id,
        category_key,
        score_name,
        nullif(sum(case when criterion_level is not null and weight > 0 then weight else 0 end), 0)
            as weight_total,
        sum(case when weight > 0 then coalesce(raw_term, 0) else 0 end) as positive_sum,
        -1 * sum(case when weight < 0 then coalesce(raw_term, 0) else 0 end) as penalty_sum,
        max(case when compared_term > 0 then compared_term end) as best_term
    from raw_terms
    group by date_role, customer_id, category_key, score_name

),

with_totals as (

    select
        raw_terms.*,
        totals.weight_total,
        totals.positive_sum,
        totals.penalty_sum
    from raw_terms
    inner join totals
        on
            raw_terms.date_role = totals.date_role
            and raw_terms.customer_id = totals.customer_id
            and raw_terms.category_key = totals.category_key
            and raw_terms.score_name = totals.score_name

),

top_positions as (

    -- the top factor: the criterion of the largest positive term, the first by position
    -- on a tie (position is unique within a score: int_score_settings' test); from the
    -- terms, not with_totals, which one reader keeps unmaterialised (10M orders: CPU 31.0
    -- -> 20.7 s, peak memory 14.0 -> 13.3 GB)
    select
        raw_terms.date_role,
        raw_terms.customer_id,
        raw_terms.category_key,
        raw_terms.score_name,
        min(raw_terms.position) as top_position
    from raw_terms
    inner join totals
        on
            raw_terms.date_role = totals.date_role
            and raw_terms.customer_id = totals.customer_id
            and raw_terms.category_key = totals.category_key
            and raw_terms.score_name = totals.score_name
            and raw_terms.compared_term = totals.best_term
    group by raw_terms.date_role, raw_terms.customer_id, raw_terms.category_key, raw_terms.score_name

),

top_criteria as (

    -- the criterion at each position of a score (one: int_score_settings' test; the least
    -- by name should two share one, so that no row is doubled)
    select
        score_name,
        position,
        min(criterion) as criterion
    from settings
    group by score_name, position

),

weighted as (

    -- a negative weight is a signal against the score: it takes away points, at most all
    -- the points the other criteria gave (the penalties shrink in proportion), so the
    -- score stays in 0..100 and the points still add up to it: the terms sum to the
    -- positive ones less the penalties, or to 0 when the penalties exceed them
    select
        with_totals.*,
        case
            when with_totals.weight < 0 and with_totals.penalty_sum > with_totals.positive_sum
                then with_totals.raw_term * with_totals.positive_sum / with_totals.penalty_sum
            else with_totals.raw_term
        end as term,
        case
            when with_totals.penalty_sum > with_totals.positive_sum then 0
            else with_totals.positive_sum - with_totals.penalty_sum
        end as term_sum,
        top_criteria.criterion as top_factor
    from with_totals
    left join top_positions
        on
            with_totals.date_role = top_positions.date_role
            and with_totals.customer_id = top_positions.customer_id
            and with_totals.category_key = top_positions.category_key
            and with_totals.score_name = top_positions.score_name
    left join top_criteria
        on
            with_totals.score_name = top_criteria.score_name
            and top_positions.top_position = top_criteria.position

),

scored as (

    select
        *,
        cast(round(cast(
            100 * term_sum / weight_total as {{ dbt.type_numeric() }}
        ), 2) as decimal(9, 2)) as score,
        case
            when weight = 0 then cast(0 as decimal(9, 2))
            else cast(round(
                    cast(100 * coalesce(term, 0) / weight_total as {{ dbt.type_numeric() }}), 2
                ) as decimal(9, 2))
        end as points
    from weighted

),

categories as (

    -- cross-sell: the best category per customer (a window over its rows only); the
    -- scores without categories have one, the best
    select
        *,
        dense_rank() over (
            partition by date_role, customer_id, score_name
            order by score desc, category_rank asc
        ) = 1 as is_best_category
    from scored
    where category is not null
    union all
    select
        *,
        true as is_best_category
    from scored
    where category is null

),

-- the scores without inputs: each score is 0, or null where no criterion has a level
-- (no feedback); points 0 (null with the score, 0 at weight 0); no top factor; one
-- category, the best
quiet_criteria as (

    select distinct
        score_name,
        criterion
    from quiet_levels

),

quiet_weight_totals as (

    select
        quiet_criteria.score_name,
        nullif(sum(case when settings.weight > 0 then settings.weight else 0 end), 0) as weight_total
    from quiet_criteria
    left join settings
        on
            quiet_criteria.score_name = settings.score_name
            and quiet_criteria.criterion = settings.criterion
    group by quiet_criteria.score_name

),

quiet_weighted as (

    select
        quiet_levels.*,
        settings.position,
        settings.weight,
        case when quiet_levels.criterion_level is not null then quiet_weight_totals.weight_total end as weight_total
    from quiet_levels
    left join settings
        on
            quiet_levels.score_name = settings.score_name
            and quiet_levels.criterion = settings.criterion
    left join quiet_weight_totals
        on quiet_levels.score_name = quiet_weight_totals.score_name

),

quiet_categories as (

    select
        *,
        cast(round(cast(
            100 * cast(0 as {{ dbt.type_float() }}) / weight_total as {{ dbt.type_numeric() }}
        ), 2) as decimal(9, 2)) as score,
        case
            when weight = 0 then cast(0 as decimal(9, 2))
            else cast(round(
                    cast(100 * cast(0 as {{ dbt.type_float() }}) / weight_total as {{ dbt.type_numeric() }}), 2
                ) as decimal(9, 2))
        end as points,
        cast(null as {{ dbt.type_string() }}) as top_factor,
        true as is_best_category
    from quiet_weighted

),

weighed as (

    select {{ carried | join(', ') }} from categories
    union all
    select {{ carried | join(', ') }} from quiet_categories

),

risky_debtors as (

    select
        date_role,
        customer_id
    from weighed
    where score_name = 'payment_risk' and score >= {{ prepayment_threshold() }}
    union
    select
        date_role,
        customer_id
    from recovery_candidates
    where overdue_amount > 0

),

final as (

    select
        -- ids
        weighed.customer_id,

        -- strings
        weighed.date_role,
        weighed.score_name,
        weighed.criterion,
        weighed.category,
        weighed.top_factor,

        -- numerics
        weighed.position,
        weighed.category_rank,
        weighed.measured_value,
        weighed.criterion_level,
        weighed.weight,
        weighed.points,
        weighed.score,

        -- booleans
        coalesce(weighed.top_factor = weighed.criterion, false) as is_top_factor,
        weighed.is_best_category,

        -- dates
        weighed.reference_date

    from weighed
    left join risky_debtors
        on
            weighed.date_role = risky_debtors.date_role
            and weighed.customer_id = risky_debtors.customer_id
    where weighed.score_name != 'recovery' or risky_debtors.customer_id is not null

)

select * from final
