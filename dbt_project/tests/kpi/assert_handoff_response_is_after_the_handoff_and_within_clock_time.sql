{#- The first sales touch is never before the handoff, and business hours never exceed the
    clock hours between the two. -#}
{{ config(tags=['kpi']) }}

with

handoffs as (

    select * from {{ ref('fct_lead_handoff') }}

),

final as (

    select
        journey_id,
        handed_over_at,
        first_sales_touch_at,
        response_minutes,
        response_business_hours
    from handoffs
    where first_sales_touch_at < handed_over_at
        or response_minutes < 0
        or response_business_hours < 0
        or response_business_hours > response_minutes / 60 + 0.000001

)

select * from final
