{#- Cross-sell propensity per customer, product category and score date, 0-100, for the
    categories a buyer has not bought yet:
    - category_affinity: the highest co-purchase confidence from a category they bought,
      i.e. the share of that category's buyers who also bought this one (as of the date);
    - category_browsing: product views and cart adds in the category, decayed;
    - declared_interest: a preference-centre interest mapping to the category
      (seeds/interest_categories.csv).
    is_best_next_category marks each customer's highest-scoring category (ties: the more
    widely bought category, then by name). -#}
{%- set settings = score_settings('cross_sell') -%}

with

categories as (

    select distinct category from {{ ref('stg_shop__products') }}

),

bought as (

    -- categories each customer bought before the reference date
    select distinct
        date_role,
        customer_id,
        category
    from ({{ activity_before_reference_dates() }}) as all_activity
    where interaction_type = 'category_purchase'

),

buyers_per_category as (

    select
        date_role,
        category,
        count(*) as buyers
    from bought
    group by date_role, category

),

pair_buyers as (

    select
        bought_a.date_role,
        bought_a.category as from_category,
        bought_b.category as to_category,
        count(*) as buyers_of_both
    from bought as bought_a
    inner join bought as bought_b
        on
            bought_a.date_role = bought_b.date_role
            and bought_a.customer_id = bought_b.customer_id
            and bought_a.category != bought_b.category
    group by bought_a.date_role, bought_a.category, bought_b.category

),

confidence as (

    select
        pair_buyers.date_role,
        pair_buyers.from_category,
        pair_buyers.to_category,
        cast(pair_buyers.buyers_of_both as {{ dbt.type_float() }}) / buyers_per_category.buyers as confidence
    from pair_buyers
    inner join buyers_per_category
        on
            pair_buyers.date_role = buyers_per_category.date_role
            and pair_buyers.from_category = buyers_per_category.category

),

buyers as (

    select distinct
        date_role,
        customer_id
    from bought

),

candidates as (

    -- every category a buyer has not bought yet
    select
        buyers.date_role,
        buyers.customer_id,
        categories.category
    from buyers
    cross join categories
    left join bought
        on
            buyers.date_role = bought.date_role
            and buyers.customer_id = bought.customer_id
            and categories.category = bought.category
    where bought.customer_id is null

),

affinity as (

    select
        bought.date_role,
        bought.customer_id,
        confidence.to_category as category,
        max(confidence.confidence) as category_affinity
    from bought
    inner join confidence
        on
            bought.date_role = confidence.date_role
            and bought.category = confidence.from_category
    group by bought.date_role, bought.customer_id, confidence.to_category

),

browsing as (

    select
        date_role,
        customer_id,
        category,
        {{ decayed_sum(['product_view', 'cart_add'], settings.category_browsing.half_life_days) }} as category_browsing_decayed
    from ({{ activity_before_reference_dates(score_lookback_days()) }}) as recent_activity
    where interaction_type in ('product_view', 'cart_add') and category is not null
    group by date_role, customer_id, category

),

interests as (

    -- interests declared by the reference date (undated ones count from the start)
    select distinct
        dates.date_role,
        interests.customer_id,
        interest_map.category
    from {{ ref('stg_crm__customer_interests') }} as interests
    inner join {{ ref('interest_categories') }} as interest_map
        on interests.interest = interest_map.interest
    inner join {{ ref('int_score_dates') }} as dates
        on interests.updated_at is null or cast(interests.updated_at as date) <= dates.reference_date

),

levels as (

    select
        candidates.date_role,
        dates.reference_date,
        candidates.customer_id,
        candidates.category,
        coalesce(buyers_per_category.buyers, 0) as category_buyers,
        coalesce(affinity.category_affinity, 0) as category_affinity_level,
        coalesce(browsing.category_browsing_decayed, 0) as category_browsing_decayed,
        {{ saturating('browsing.category_browsing_decayed', settings.category_browsing.saturation) }}
            as category_browsing_level,
        case when interests.customer_id is not null then 1 else 0 end as declared_interest_level
    from candidates
    inner join {{ ref('int_score_dates') }} as dates
        on candidates.date_role = dates.date_role
    left join buyers_per_category
        on
            candidates.date_role = buyers_per_category.date_role
            and candidates.category = buyers_per_category.category
    left join affinity
        on
            candidates.date_role = affinity.date_role
            and candidates.customer_id = affinity.customer_id
            and candidates.category = affinity.category
    left join browsing
        on
            candidates.date_role = browsing.date_role
            and candidates.customer_id = browsing.customer_id
            and candidates.category = browsing.category
    left join interests
        on
            candidates.date_role = interests.date_role
            and candidates.customer_id = interests.customer_id
            and candidates.category = interests.category

),

scored as (

    select
        *,
        {{ score_outputs('cross_sell', settings) }}
    from levels

),

final as (

    select
        *,
        row_number() over (
            partition by date_role, customer_id
            order by cross_sell_score desc, category_buyers desc, category asc
        ) = 1 as is_best_next_category
    from scored

)

select * from final
