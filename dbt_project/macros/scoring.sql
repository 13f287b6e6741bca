{#- What scoring (int_touches_scored, int_journeys_scored) reads, by journey: models that mark
    the rows they write and record the journeys whose rows went (gone_key), so that an
    incremental build finds the journeys whose touches or fit changed
    (macros/incremental.sql: journeys_written_or_gone). -#}
{% macro scoring_inputs() -%}
    {{ return(['int_touches_unioned', 'int_journeys_fit_evaluated']) }}
{%- endmacro %}

{#- The journeys an incremental build of int_journeys_fit_evaluated computes again: those
    int_journeys_identified computed again since its newest load (journeys_reidentified: a
    journey gone among them) and those whose account a newer load brought. -#}
{% macro fit_journeys_to_rebuild() -%}
    {{ journeys_reidentified() }}
    union
    select journey_id from {{ ref('int_journeys_identified') }}
    where account_id in (
        select account_id from {{ ref('stg_salesforce__accounts') }}
        where _load_id > {{ loaded_up_to('_seen_up_to') }}
    )
{%- endmacro %}

{#- The judged touches of `touches` (a CTE of priced touches: touch_id, journey_id,
    definition_version, touched_at, scoring_window_days, points, intent_touches, is_judged),
    each with every column of `touches` and the sums over its journey's touches under its
    version from touched_at - scoring_window_days up to touched_at, touches at the same
    instant included: window_points (numeric(28, 6)) and window_intent_touches (bigint).
    Touches not judged count in the windows of others and are not returned. -#}
{% macro scoring_window_sums(touches) -%}
    {{ return(adapter.dispatch('scoring_window_sums', 'alignment')(touches)) }}
{%- endmacro %}

{#- Portable SQL, linear and without a self-join: per journey and version, the touches and one
    window-start marker per judged touch are ordered in time, running sums are taken once
    (one `range between unbounded preceding and current row` window, the only frame every
    engine takes with a window length that differs per version), and a window's sum is the
    running sum at the touch minus the running sum at its marker (markers sort before touches
    at the same instant, so the window start is inclusive). -#}
{% macro default__scoring_window_sums(touches) -%}
    select
        {{ touches }}.*,
        window_points.window_points,
        window_points.window_intent_touches
    from {{ touches }}
    inner join (
        select
            touch_id,
            -- numeric(28, 6) rounds away float noise of the running-sum difference
            cast(
                sum(case when row_kind = 1 then running_points else -1 * running_points end)
                as {{ dbt.type_numeric() }}
            ) as window_points,
            cast(
                sum(case when row_kind = 1 then running_intent_touches else -1 * running_intent_touches end)
                as {{ dbt.type_bigint() }}
            ) as window_intent_touches
        from (
            select
                touch_id,
                row_kind,
                is_judged,
                sum(points) over (
                    partition by journey_id, definition_version
                    order by ordered_at, row_kind
                    range between unbounded preceding and current row
                ) as running_points,
                sum(intent_touches) over (
                    partition by journey_id, definition_version
                    order by ordered_at, row_kind
                    range between unbounded preceding and current row
                ) as running_intent_touches
            from (
                select
                    touch_id,
                    journey_id,
                    definition_version,
                    touched_at as ordered_at,
                    1 as row_kind,
                    is_judged,
                    points,
                    intent_touches
                from {{ touches }}

                union all

                select
                    touch_id,
                    journey_id,
                    definition_version,
                    {{ dbt.dateadd('day', '-1 * scoring_window_days', 'touched_at') }} as ordered_at,
                    0 as row_kind,
                    is_judged,
                    0 as points,
                    0 as intent_touches
                from {{ touches }}
                where is_judged
            ) as timeline
        ) as running
        where is_judged
        group by touch_id
    ) as window_points
        on {{ touches }}.touch_id = window_points.touch_id
    where {{ touches }}.is_judged
{%- endmacro %}

{#- DuckDB takes a frame whose length is a column (the version's scoring_window_days, one
    value per partition): one window pass over the touches, no markers, no group-by and no
    join back (at 10M leads int_touches_scored 28.2-30.2 s against 44.7-45.0 s; the same rows
    at 1M: docs/performance.md, session 22). -#}
{% macro duckdb__scoring_window_sums(touches) -%}
    select
        {{ touches }}.*,
        cast(sum(points) over touch_window as {{ dbt.type_numeric() }}) as window_points,
        cast(sum(intent_touches) over touch_window as {{ dbt.type_bigint() }}) as window_intent_touches
    from {{ touches }}
    window touch_window as (
        partition by journey_id, definition_version
        order by touched_at
        range between to_days(scoring_window_days) preceding and current row
    )
    qualify is_judged
{%- endmacro %}
