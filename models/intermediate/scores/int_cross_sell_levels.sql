{#- Cross-sell criteria per customer, product category not bought yet and score date, in
    long form: one row per score date, buyer, category and criterion.
    - category_affinity: the highest co-purchase confidence from a category they bought,
      i.e. the share of that category's buyers who also bought this one (as of the date);
    - category_browsing: product views and cart adds in the category in the last
      score_lookback_days, decayed by its half-life and put on 0..1 by x / (x + saturation)
      (settings: int_score_settings); measured_value is the decayed count;
    - declared_interest: 1 when a preference-centre interest maps to the category
      (seeds/interest_categories.csv).
    category_buyers (buyers of the category by the date) and category_rank (1 = most
    bought category, ties by name) decide between categories of equal score. -#}

with

products as (

    select * from {{ ref('stg_shop__products') }}

),

activity as (

    select * from {{ ref('int_score_activity') }}

),

dates as (

    select * from {{ ref('int_score_dates') }}

),

settings as (

    select * from {{ ref('int_score_settings') }}
    where score_name = 'cross_sell'

),

categories as (

    select distinct category from products

),

bought as (

    -- categories each customer bought before the reference date
    select distinct
        date_role,
        customer_id,
        category
    from activity
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

category_ranks as (

    -- every category on every date, the most bought first
    select
        dates.date_role,
        categories.category,
        coalesce(buyers_per_category.buyers, 0) as category_buyers,
        row_number() over (
            partition by dates.date_role
            order by coalesce(buyers_per_category.buyers, 0) desc, categories.category asc
        ) as category_rank
    from dates
    cross join categories
    left join buyers_per_category
        on
            dates.date_role = buyers_per_category.date_role
            and categories.category = buyers_per_category.category

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
        activity.date_role,
        activity.customer_id,
        activity.category,
        sum(activity.interaction_count * power(0.5, activity.days_before / settings.half_life_days)) as decayed_count
    from activity
    left join settings
        on settings.criterion = 'category_browsing'
    where
        activity.interaction_type in ('product_view', 'cart_add')
        and activity.category is not null
        and activity.days_before < {{ score_lookback_days() }}
    group by activity.date_role, activity.customer_id, activity.category

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
    inner join dates
        on interests.updated_at is null or cast(interests.updated_at as date) <= dates.reference_date

),

measures as (

    select
        candidates.date_role,
        dates.reference_date,
        candidates.customer_id,
        candidates.category,
        category_ranks.category_buyers,
        category_ranks.category_rank,
        coalesce(affinity.category_affinity, 0) as category_affinity,
        coalesce(browsing.decayed_count, 0) as category_browsing,
        case when interests.customer_id is not null then 1 else 0 end as declared_interest
    from candidates
    inner join dates
        on candidates.date_role = dates.date_role
    inner join category_ranks
        on
            candidates.date_role = category_ranks.date_role
            and candidates.category = category_ranks.category
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

final as (

    select
        date_role,
        reference_date,
        customer_id,
        category,
        'cross_sell' as score_name,
        'category_affinity' as criterion,
        category_buyers,
        category_rank,
        category_affinity as measured_value,
        category_affinity as criterion_level
    from measures
    union all
    select
        measures.date_role,
        measures.reference_date,
        measures.customer_id,
        measures.category,
        'cross_sell' as score_name,
        'category_browsing' as criterion,
        measures.category_buyers,
        measures.category_rank,
        measures.category_browsing as measured_value,
        measures.category_browsing / (measures.category_browsing + settings.saturation) as criterion_level
    from measures
    left join settings
        on settings.criterion = 'category_browsing'
    union all
    select
        date_role,
        reference_date,
        customer_id,
        category,
        'cross_sell' as score_name,
        'declared_interest' as criterion,
        category_buyers,
        category_rank,
        declared_interest as measured_value,
        declared_interest as criterion_level
    from measures

)

select * from final
-- customers who objected to profiling are not scored (GDPR art. 21)
where customer_id not in ({{ profiling_objector_ids(ref('int_customer_rights')) }})
