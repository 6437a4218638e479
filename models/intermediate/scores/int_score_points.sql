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
    prepayment_threshold, or money overdue. -#}

with

settings as (

    select * from {{ ref('int_score_settings') }}

),

recovery_candidates as (

    select * from {{ ref('int_recovery_levels') }}

),

levels as (

    {%- for score in ['engagement', 'purchase', 'satisfaction', 'reactivation', 'payment_risk', 'recovery'] %}
        select
            date_role,
            reference_date,
            customer_id,
            category,
            cast(null as integer) as category_rank,
            score_name,
            criterion,
            cast(measured_value as {{ dbt.type_float() }}) as measured_value,
            cast(criterion_level as {{ dbt.type_float() }}) as criterion_level
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

raw_terms as (

    select
        levels.*,
        settings.position,
        settings.weight,
        cast(settings.weight as {{ dbt.type_float() }}) * levels.criterion_level as raw_term,
        -- the positive weights of the criteria that have a level: the divisor of the score
        nullif(
            sum(case when levels.criterion_level is not null and settings.weight > 0 then settings.weight else 0 end)
                over (partition by levels.date_role, levels.customer_id, levels.category, levels.score_name),
            0
        ) as weight_total
    from levels
    left join settings
        on
            levels.score_name = settings.score_name
            and levels.criterion = settings.criterion

),

signed_sums as (

    select
        *,
        sum(case when weight > 0 then coalesce(raw_term, 0) else 0 end) over (
            partition by date_role, customer_id, category, score_name
        ) as positive_sum,
        -1 * sum(case when weight < 0 then coalesce(raw_term, 0) else 0 end) over (
            partition by date_role, customer_id, category, score_name
        ) as penalty_sum
    from raw_terms

),

weighted as (

    -- a negative weight is a signal against the score: it takes away points, at most all
    -- the points the other criteria gave (the penalties shrink in proportion), so the
    -- score stays in 0..100 and the points still add up to it
    select
        *,
        case
            when weight < 0 and penalty_sum > positive_sum
                then raw_term * positive_sum / penalty_sum
            else raw_term
        end as term
    from signed_sums

),

scored as (

    select
        *,
        cast(round(cast(
            100 * sum(coalesce(term, 0)) over (partition by date_role, customer_id, category, score_name) / weight_total
            as {{ dbt.type_numeric() }}
        ), 2) as decimal(9, 2)) as score,
        case
            when weight = 0 then cast(0 as decimal(9, 2))
            else cast(round(
                    cast(100 * coalesce(term, 0) / weight_total as {{ dbt.type_numeric() }}), 2
                ) as decimal(9, 2))
        end as points,
        case when weight > 0 then cast(coalesce(term, 0) as decimal(18, 6)) end as compared_term
    from weighted

),

ranked as (

    select
        *,
        row_number() over (
            partition by date_role, customer_id, category, score_name
            order by compared_term desc nulls last, position asc
        ) as term_rank,
        max(compared_term) over (partition by date_role, customer_id, category, score_name) as best_term
    from scored

),

factors as (

    select
        *,
        max(case when term_rank = 1 and best_term > 0 then criterion end) over (
            partition by date_role, customer_id, category, score_name
        ) as top_factor
    from ranked

),

categories as (

    select
        *,
        dense_rank() over (
            partition by date_role, customer_id, score_name
            order by score desc, category_rank asc
        ) = 1 as is_best_category
    from factors

),

risky_debtors as (

    select
        date_role,
        customer_id
    from categories
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
        categories.customer_id,

        -- strings
        categories.date_role,
        categories.score_name,
        categories.criterion,
        categories.category,
        categories.top_factor,

        -- numerics
        categories.position,
        categories.category_rank,
        categories.measured_value,
        categories.criterion_level,
        categories.weight,
        categories.points,
        categories.score,

        -- booleans
        coalesce(categories.top_factor = categories.criterion, false) as is_top_factor,
        categories.is_best_category,

        -- dates
        categories.reference_date

    from categories
    left join risky_debtors
        on
            categories.date_role = risky_debtors.date_role
            and categories.customer_id = risky_debtors.customer_id
    where categories.score_name != 'recovery' or risky_debtors.customer_id is not null

)

select * from final
