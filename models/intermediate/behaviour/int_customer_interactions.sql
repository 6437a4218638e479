{#- Every staged behaviour event in one shape: who, what (interaction_type), when, and
    the product it concerns. Events of test accounts, and of customers nobody knows (not in
    the customer file, or without one, never seen in the transactions), are set aside with
    a reason, as order lines are. -#}

with

web_events as (

    select * from {{ ref('stg_web__web_events') }}

),

email_events as (

    select * from {{ ref('stg_email__email_events') }}

),

surveys as (

    select * from {{ ref('stg_feedback__survey_responses') }}

),

reviews as (

    select * from {{ ref('stg_feedback__product_reviews') }}

),

known_customers as (

    {{ known_customer_ids(ref('stg_crm__customers'), ref('int_order_lines_converted')) }}

),

test_accounts as (

    {{ test_account_ids(ref('base_crm__customers')) }}

),

unioned as (

    select
        'web.web_events' as source_name,
        source_row_number,
        customer_id,
        case
            when event_type = 'add_to_cart' then 'cart_add'
            else page_type || '_view'
        end as interaction_type,
        session_id,
        product_id,
        cast(null as {{ dbt.type_numeric() }}) as interaction_value,
        event_date as interaction_date,
        event_at as interaction_at
    from web_events
    union all
    select
        'email.email_events' as source_name,
        source_row_number,
        customer_id,
        'email_' || event_type as interaction_type,
        cast(null as {{ dbt.type_string() }}) as session_id,
        cast(null as {{ dbt.type_string() }}) as product_id,
        cast(null as {{ dbt.type_numeric() }}) as interaction_value,
        event_date as interaction_date,
        event_at as interaction_at
    from email_events
    union all
    select
        'feedback.survey_responses' as source_name,
        source_row_number,
        customer_id,
        case when survey_type = 'nps' then 'nps_' || nps_category else 'csat' end as interaction_type,
        cast(null as {{ dbt.type_string() }}) as session_id,
        cast(null as {{ dbt.type_string() }}) as product_id,
        cast(score as {{ dbt.type_numeric() }}) as interaction_value,
        answered_date as interaction_date,
        answered_at as interaction_at
    from surveys
    union all
    select
        'feedback.product_reviews' as source_name,
        source_row_number,
        customer_id,
        'review' as interaction_type,
        cast(null as {{ dbt.type_string() }}) as session_id,
        product_id,
        cast(stars as {{ dbt.type_numeric() }}) as interaction_value,
        reviewed_date as interaction_date,
        reviewed_at as interaction_at
    from reviews

),

final as (

    select
        -- ids
        unioned.source_row_number,
        unioned.customer_id,
        unioned.session_id,
        unioned.product_id,

        -- strings
        unioned.source_name,
        unioned.interaction_type,
        case
            when test_accounts.customer_id is not null then 'test_account'
            when known_customers.customer_id is null then 'unknown_customer'
        end as rejection_reason,

        -- numerics
        unioned.interaction_value,

        -- dates
        unioned.interaction_date,

        -- timestamps
        unioned.interaction_at

    from unioned
    left join known_customers
        on unioned.customer_id = known_customers.customer_id
    left join test_accounts
        on unioned.customer_id = test_accounts.customer_id

)

select * from final
