{#- One row per lead handed over to sales (fct_lead_funnel.is_handed_over): how fast sales
    first touched it, whether that met the handoff SLA of the lead definition version that
    judged the handoff, and what sales decided within the agreed disposition window. -#}
{%- set handoff_column = funnel_handoff_column() -%}

with

funnel as (

    select * from {{ ref('fct_lead_funnel') }}

),

sales_touches as (

    select * from {{ ref('int_sales_touches_unioned') }}

),

versions as {{ not_materialized() }} (

    select * from {{ ref('int_lead_definitions_in_force') }}

),

as_of as (

    select * from {{ ref('int_kpi_as_of') }}

),

handoffs as (

    select
        journey_id,
        lead_id,
        sourced_by,
        channel,
        owner_id,
        created_at,
        {{ handoff_column }} as handed_over_at,
        definition_version as funnel_definition_version,
        sal_at,
        rejected_at,
        rejection_reason,
        {{ funnel_column_or(
            'rejection_reason_description',
            'cast(null as ' ~ dbt.type_string() ~ ')',
        ) }} as rejection_reason_description,
        is_accepted
    from funnel
    where is_handed_over
        and {{ handoff_column }} is not null

),

-- the version that judged the handoff; else (an older funnel) the version in force at it
handoff_versions as (

    select
        handoffs.journey_id,
        coalesce(handoffs.funnel_definition_version, in_force.definition_version) as definition_version
    from handoffs
    left join versions as in_force
        on handoffs.handed_over_at >= in_force.effective_from
            and (handoffs.handed_over_at < in_force.effective_to or in_force.effective_to is null)

),

-- first sales touch at or after the handoff; touches before it were not a response
touches_after_handoff as (

    select
        handoffs.journey_id,
        sales_touches.touched_at,
        sales_touches.activity_type,
        sales_touches.owner_id,
        row_number() over (
            partition by handoffs.journey_id
            order by sales_touches.touched_at, sales_touches.activity_id
        ) as touch_rank
    from handoffs
    inner join sales_touches
        on handoffs.journey_id = sales_touches.journey_id
            and handoffs.handed_over_at <= sales_touches.touched_at

),

joined as (

    select
        handoffs.*,
        handoff_versions.definition_version,
        versions.sla_hours,
        coalesce(versions.sla_business_hours, false) as sla_business_hours,
        versions.disposition_days,
        first_touches.touched_at as first_sales_touch_at,
        first_touches.activity_type as first_sales_touch_type,
        first_touches.owner_id as first_sales_touch_owner_id,
        as_of.as_of_at
    from handoffs
    inner join handoff_versions
        on handoffs.journey_id = handoff_versions.journey_id
    left join versions
        on handoff_versions.definition_version = versions.definition_version
    left join touches_after_handoff as first_touches
        on handoffs.journey_id = first_touches.journey_id
            and first_touches.touch_rank = 1
    cross join as_of

),

timed as (

    select
        *,
        cast(
            {{ elapsed_seconds('handed_over_at', 'first_sales_touch_at') }} as {{ type_double() }}
        ) / 60 as response_minutes,
        {{ business_hours_between('handed_over_at', 'first_sales_touch_at') }} as response_business_hours,
        -- how much of the SLA clock had run by the as-of moment (no touch yet)
        cast({{ elapsed_seconds('handed_over_at', 'as_of_at') }} as {{ type_double() }}) / 3600 as hours_to_as_of,
        {{ business_hours_between('handed_over_at', 'as_of_at') }} as business_hours_to_as_of,
        {{ dbt.dateadd('day', 'disposition_days', 'handed_over_at') }} as disposition_due_at,
        -- a rejection before the handoff (then recycled and handed over again) decides nothing
        case when rejected_at >= handed_over_at then rejected_at end as rejected_after_handoff_at
    from joined

),

final as (

    select
        journey_id,
        lead_id,
        sourced_by,
        channel,
        owner_id,
        created_at,
        {{ reporting_month('created_at') }} as cohort_month,
        handed_over_at,
        {{ reporting_month('handed_over_at') }} as handoff_month,
        definition_version,
        sla_hours,
        sla_business_hours,
        disposition_days,
        first_sales_touch_at,
        first_sales_touch_type,
        first_sales_touch_owner_id,
        response_minutes,
        response_business_hours,
        case
            when first_sales_touch_at is not null and sla_business_hours
                then response_business_hours <= sla_hours
            when first_sales_touch_at is not null
                then response_minutes <= sla_hours * 60
            -- no touch yet: missed once the SLA has run out by the as-of moment, else open
            when sla_business_hours and business_hours_to_as_of > sla_hours then false
            when not sla_business_hours and hours_to_as_of > sla_hours then false
        end as sla_met,
        sal_at as accepted_at,
        rejected_after_handoff_at as rejected_at,
        case when rejected_after_handoff_at is not null then rejection_reason end as rejection_reason,
        case
            when rejected_after_handoff_at is not null then rejection_reason_description
        end as rejection_reason_description,
        disposition_due_at,
        case
            when sal_at <= disposition_due_at
                and (rejected_after_handoff_at is null or sal_at < rejected_after_handoff_at)
                then 'accepted'
            when rejected_after_handoff_at <= disposition_due_at then 'rejected'
            when as_of_at > disposition_due_at then 'ignored'
            else 'pending'
        end as outcome,
        is_accepted as is_accepted_ever,
        as_of_at
    from timed

)

select * from final
