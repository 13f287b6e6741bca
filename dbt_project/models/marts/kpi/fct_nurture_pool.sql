{#- The nurture pool: one row per stay of a lead journey in nurture — the leads that are not
    ready or that sales did not take, which marketing must nurture or lose to a competitor.
    The stays and their reasons are int_nurture_stays'. "Now" is the as-of moment
    (int_kpi_as_of): a stay not ended by then is in the pool (is_in_pool), aged up to it, at
    risk by the nurture window of the version in force at it; a stall due after it has not
    begun.

    A view: the as-of moment moves with every load, and applying it to the stays costs less
    than writing them again, so the stays are a table built incrementally by journey and this
    is what BI reads of them (publication writes it as a table). -#}
{{ config(materialized='view') }}

with

stays as (

    select * from {{ ref('int_nurture_stays') }}

),

versions as {{ not_materialized() }} (

    select * from {{ ref('int_lead_definitions_in_force') }}

),

as_of as {{ not_materialized() }} (

    select * from {{ ref('int_kpi_as_of') }}

),

-- the pool is judged by the agreement in force now
now_in_force as (

    select
        as_of.as_of_at,
        versions.nurture_window_days
    from as_of
    left join versions
        on as_of.as_of_at >= versions.effective_from
            and (as_of.as_of_at < versions.effective_to or versions.effective_to is null)

),

measured as (

    select
        stays.*,
        floor(
            {{ elapsed_seconds(
                'stays.entered_nurture_at',
                'coalesce(stays.exited_nurture_at, now_in_force.as_of_at)',
            ) }} / 86400
        ) as age_days,
        floor(
            {{ elapsed_seconds(
                greatest_not_null(['stays.last_marketing_touch_at', 'stays.last_sales_touch_at', 'stays.entered_nurture_at']),
                'now_in_force.as_of_at') }}
            / 86400
        ) as days_since_touch,
        now_in_force.nurture_window_days,
        now_in_force.as_of_at
    from stays
    cross join now_in_force
    -- a stay that has not begun by the as-of moment (a stall due later) is not one yet
    where stays.entered_nurture_at < coalesce(stays.exited_nurture_at, now_in_force.as_of_at)
        or (stays.nurture_reason <> 'stalled' and stays.entered_nurture_at <= now_in_force.as_of_at)

),

final as (

    select
        nurture_stay_id,
        journey_id,
        lead_id,
        sourced_by,
        channel,
        owner_id,
        stay_number,
        nurture_reason,
        entered_nurture_at,
        entered_month,
        exited_nurture_at,
        exit_reason,
        exited_nurture_at is null as is_in_pool,
        cast(age_days as {{ dbt.type_int() }}) as age_days,
        case
            when age_days < 90 then '0-3 months'
            when age_days < 180 then '3-6 months'
            when age_days < 365 then '6-12 months'
            else 'over 12 months'
        end as age_bucket,
        last_marketing_touch_at,
        last_sales_touch_at,
        case
            when exited_nurture_at is null then days_since_touch > nurture_window_days
        end as at_risk,
        touched_in_nurture or coalesce(exit_reason = 'handed_over', false) as re_engaged,
        as_of_at
    from measured

)

select * from final
