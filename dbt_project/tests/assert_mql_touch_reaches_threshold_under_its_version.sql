-- A journey's MQL touch was judged by the version the funnel names (mql_definition_version),
-- passed that version's fit and reached its threshold.
-- After an incremental build, the journeys the funnel wrote again: it writes every journey
-- whose scoring (touches, fit) changed, so the others read what they read when tested.
{{ config(meta={'dagster': {'ref': {'name': 'fct_lead_funnel'}}}) }}
with

funnel as (

    select * from {{ ref('fct_lead_funnel') }}
    where mql_at is not null
        and {{ written_since_tested('_seen_up_to') }}

),

scores as (

    select * from {{ ref('int_journeys_scored') }}

),

touches as (

    select * from {{ ref('int_touches_scored') }}

),

fit as (

    select * from {{ ref('int_journeys_fit_evaluated') }}

),

final as (

    select
        funnel.journey_id,
        funnel.mql_at,
        funnel.mql_definition_version,
        touches.definition_version as touch_version,
        touches.window_points,
        touches.mql_threshold,
        fit.passes_fit
    from funnel
    left join scores
        on funnel.journey_id = scores.journey_id
    left join touches
        on scores.mql_touch_id = touches.touch_id
    left join fit
        on funnel.journey_id = fit.journey_id
            and funnel.mql_definition_version = fit.definition_version
    where touches.touch_id is null
        or touches.definition_version <> funnel.mql_definition_version
        or touches.touched_at <> funnel.mql_at
        or not coalesce(fit.passes_fit, false)
        or touches.window_points < touches.mql_threshold

)

select * from final
