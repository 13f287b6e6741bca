{#- Touches judged by the lead definition in force when they happened
    (int_lead_definitions_in_force: effective_from <= touched_at < effective_to), for journeys
    that can qualify under that version: the points of the journey's touches in the version's
    scoring window (touched_at - scoring_window_days <= t <= touched_at, the touch itself and
    touches at the same instant included), priced with that version's points, and how many of
    those touches are of the version's SRL intent touch types. A touch qualifies (MQL) when the
    window reaches the version's threshold; it is sales-ready (SRL) when the window also
    reaches the version's srl_min_score and, if the version lists intent touch types, holds at
    least one touch of those types.

    A journey can qualify under a version when it passes the version's fit and its touches,
    priced by the version, add up to the threshold at all; touches of other journeys are left
    out (they can never qualify), which keeps the window small.

    The window sums are one window pass, not a self-join (macros/scoring.sql: DuckDB's frame
    takes the version's window length; other engines take running sums and window-start
    markers).

    Incremental by journey: a journey's rows follow from its touches and its fit alone (the
    definitions are every journey's), so a build computes again the journeys with a touch
    or fit row written or gone since its last build (scoring_inputs(), macros/incremental.sql:
    journeys_written_or_gone; until session 31, those whose digest of them changed).
    _seen_up_to: the newest load in raw when the row was written. -#}
{{ config(
    materialized=incremental_fact(),
    unique_key='journey_id',
    pre_hook="{{ rebuilt_rows_deleted('journey_id', journeys_written_or_gone(scoring_inputs())) }}",
) }}

with

touches as (

    select * from {{ ref('int_touches_unioned') }}
    {%- if is_incremental() %}
    where journey_id in ({{ journeys_written_or_gone(scoring_inputs()) }})
    {%- endif %}

),

versions as (

    select * from {{ ref('int_lead_definitions_in_force') }}

),

-- touch types of which a sales-ready window needs at least one, per version
intent_types as {{ not_materialized() }} (

    select distinct
        definition_version,
        list_value as touch_type
    from {{ ref('stg_contract__lead_definition_values') }}
    where list_name = 'srl_intent_touch_type'

),

version_rules as (

    select
        versions.definition_version,
        versions.effective_from,
        versions.effective_to,
        versions.mql_threshold,
        versions.scoring_window_days,
        versions.srl_min_score,
        count(intent_types.touch_type) > 0 as requires_intent
    from versions
    left join intent_types
        on versions.definition_version = intent_types.definition_version
    group by
        versions.definition_version,
        versions.effective_from,
        versions.effective_to,
        versions.mql_threshold,
        versions.scoring_window_days,
        versions.srl_min_score

),

points as (

    select * from {{ ref('stg_contract__lead_definition_points') }}

),

fit as (

    select * from {{ ref('int_journeys_fit_evaluated') }}
    {%- if is_incremental() %}
    where journey_id in ({{ journeys_written_or_gone(scoring_inputs()) }})
    {%- endif %}

),

-- every touch priced by each version whose windows can reach it, from one window before the
-- version's start to its end; is_judged: the version is the one in effect at the touch
priced_touches as (

    select
        touches.touch_id,
        touches.journey_id,
        touches.touched_at,
        touches.touch_type,
        versions.definition_version,
        versions.mql_threshold,
        versions.scoring_window_days,
        versions.srl_min_score,
        versions.requires_intent,
        coalesce(points.points, 0) as points,
        case when intent_types.touch_type is not null then 1 else 0 end as intent_touches,
        touches.touched_at >= versions.effective_from as is_judged
    from touches
    inner join version_rules as versions
        on
            touches.touched_at
            >= {{ dbt.dateadd('day', '-1 * versions.scoring_window_days', 'versions.effective_from') }}
            and (touches.touched_at < versions.effective_to or versions.effective_to is null)
    left join points
        on versions.definition_version = points.definition_version
            and touches.touch_type = points.touch_type
    left join intent_types
        on versions.definition_version = intent_types.definition_version
            and touches.touch_type = intent_types.touch_type

),

-- journeys that can qualify under a version: they pass its fit and have enough points in all
candidates as (

    select
        totals.journey_id,
        totals.definition_version
    from (
        select
            journey_id,
            definition_version,
            max(mql_threshold) as mql_threshold,
            sum(points) as total_points,
            max(case when is_judged then 1 else 0 end) as has_judged_touch
        from priced_touches
        group by
            journey_id,
            definition_version
    ) as totals
    inner join fit
        on totals.journey_id = fit.journey_id
            and totals.definition_version = fit.definition_version
    where fit.passes_fit
        and totals.has_judged_touch = 1
        and totals.total_points >= totals.mql_threshold

),

candidate_touches as (

    select priced_touches.*
    from priced_touches
    inner join candidates
        on priced_touches.journey_id = candidates.journey_id
            and priced_touches.definition_version = candidates.definition_version

),

-- each judged touch with the sums of its scoring window (macros/scoring.sql)
windowed as (

    {{ scoring_window_sums('candidate_touches') }}

),

newest_load as (

    {{ newest_load() }}

),

final as (

    select
        windowed.touch_id,
        windowed.journey_id,
        windowed.touched_at,
        windowed.touch_type,
        windowed.definition_version,
        windowed.mql_threshold,
        windowed.scoring_window_days,
        windowed.points,
        windowed.window_points,
        windowed.window_points >= windowed.mql_threshold as is_qualifying,
        windowed.srl_min_score,
        windowed.requires_intent,
        windowed.intent_touches = 1 as is_intent_touch,
        windowed.window_intent_touches,
        windowed.window_points >= windowed.mql_threshold
        and windowed.window_points >= windowed.srl_min_score
        and (not windowed.requires_intent or windowed.window_intent_touches > 0)
            as is_sales_ready,
        newest_load.load_id as _seen_up_to
    from windowed
    cross join newest_load

)

select * from final
