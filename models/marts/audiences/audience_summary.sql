{#- One row per as-of date and audience of the history (audience_members,
    audience_suppressions): treated members (the activation list), control members,
    suppressed customers, the conversions and revenue expected from the treated members'
    scores within prediction_horizon_days (sum of purchase_probability; sum of
    purchase_probability x expected_order_value), and who entered or left the audience
    (treated or control) since the previous as-of date of the history. -#}

with

members as (

    select * from {{ ref('audience_members') }}

),

suppressions as (

    select * from {{ ref('audience_suppressions') }}

),

audiences as (

    select * from {{ ref('audiences') }}

),

dates as (

    select distinct as_of_date from members
    union
    select distinct as_of_date from suppressions

),

previous_dates as (

    select
        as_of_date,
        lag(as_of_date) over (order by as_of_date) as previous_as_of_date
    from dates

),

grid as (

    select
        previous_dates.as_of_date,
        previous_dates.previous_as_of_date,
        audiences.audience,
        audiences.purpose,
        audiences.channel
    from previous_dates
    cross join audiences

),

sizes as (

    select
        as_of_date,
        audience,
        sum(case when not is_control then 1 else 0 end) as treated_customers,
        sum(case when is_control then 1 else 0 end) as control_customers,
        sum(case when not is_control then coalesce(purchase_probability, 0) else 0 end) as expected_conversions,
        sum(
            case when not is_control then coalesce(purchase_probability * expected_order_value, 0) else 0 end
        ) as expected_revenue
    from members
    group by as_of_date, audience

),

suppressed as (

    select
        as_of_date,
        audience,
        count(distinct customer_id) as suppressed_customers
    from suppressions
    where reason != 'control_group'
    group by as_of_date, audience

),

moves as (

    select
        grid.as_of_date,
        grid.audience,
        count(distinct case when previous.customer_id is null then current_members.customer_id end)
            as entered_customers
    from grid
    inner join members as current_members
        on grid.as_of_date = current_members.as_of_date and grid.audience = current_members.audience
    left join members as previous
        on
            grid.previous_as_of_date = previous.as_of_date
            and current_members.audience = previous.audience
            and current_members.customer_id = previous.customer_id
    where grid.previous_as_of_date is not null
    group by grid.as_of_date, grid.audience

),

departures as (

    select
        grid.as_of_date,
        grid.audience,
        count(distinct case when current_members.customer_id is null then previous.customer_id end)
            as left_customers
    from grid
    inner join members as previous
        on grid.previous_as_of_date = previous.as_of_date and grid.audience = previous.audience
    left join members as current_members
        on
            grid.as_of_date = current_members.as_of_date
            and previous.audience = current_members.audience
            and previous.customer_id = current_members.customer_id
    group by grid.as_of_date, grid.audience

),

final as (

    select
        -- strings
        grid.audience,
        grid.purpose,
        grid.channel,

        -- numerics
        cast(coalesce(sizes.treated_customers, 0) as bigint) as treated_customers,
        cast(coalesce(sizes.control_customers, 0) as bigint) as control_customers,
        cast(coalesce(suppressed.suppressed_customers, 0) as bigint) as suppressed_customers,
        cast(coalesce(sizes.expected_conversions, 0) as decimal(18, 2)) as expected_conversions,
        cast(coalesce(sizes.expected_revenue, 0) as decimal(18, 2)) as expected_revenue,
        case
            when grid.previous_as_of_date is not null then cast(coalesce(moves.entered_customers, 0) as bigint)
        end as entered_customers,
        case
            when grid.previous_as_of_date is not null then cast(coalesce(departures.left_customers, 0) as bigint)
        end as left_customers,

        -- dates
        grid.as_of_date,
        grid.previous_as_of_date

    from grid
    left join sizes
        on grid.as_of_date = sizes.as_of_date and grid.audience = sizes.audience
    left join suppressed
        on grid.as_of_date = suppressed.as_of_date and grid.audience = suppressed.audience
    left join moves
        on grid.as_of_date = moves.as_of_date and grid.audience = moves.audience
    left join departures
        on grid.as_of_date = departures.as_of_date and grid.audience = departures.audience

)

select * from final
