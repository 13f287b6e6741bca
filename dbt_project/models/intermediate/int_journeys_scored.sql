{#- Lead scoring per journey with touches: its touch counts, the first touch at which it
    qualified as MQL (int_touches_scored: fit passed and the window reached the threshold of
    the version in force) and the first touch at which it was sales-ready (SRL: the window
    also reached the version's srl_min_score and held an intent touch when the version asks
    for one), each with the version that judged it. Ties at one instant go to the lowest
    touch_id.

    Incremental by journey, as int_touches_scored is (macros/incremental.sql:
    journeys_written_or_gone): the journeys with a touch or fit row written or gone since
    its last build (scoring_inputs()). _seen_up_to: the newest load in raw when the row was
    written. -#}
-- depends_on: {{ ref('int_journeys_fit_evaluated') }}
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

scored_touches as {{ not_materialized() }} (

    select * from {{ ref('int_touches_scored') }}
    {%- if is_incremental() %}
    where journey_id in ({{ journeys_written_or_gone(scoring_inputs()) }})
    {%- endif %}

),

touch_summary as (

    select
        journey_id,
        count(*) as touches,
        min(touched_at) as first_touch_at,
        max(touched_at) as last_touch_at
    from touches
    group by journey_id

),

newest_load as (

    {{ newest_load() }}

),

ranked_qualifying as (

    select
        journey_id,
        touch_id,
        touched_at,
        touch_type,
        definition_version,
        window_points,
        row_number() over (partition by journey_id order by touched_at, touch_id) as qualifying_rank
    from scored_touches
    where is_qualifying

),

ranked_sales_ready as (

    select
        journey_id,
        touch_id,
        touched_at,
        touch_type,
        definition_version,
        window_points,
        row_number() over (partition by journey_id order by touched_at, touch_id) as sales_ready_rank
    from scored_touches
    where is_sales_ready

),

final as (

    select
        touch_summary.journey_id,
        touch_summary.touches,
        touch_summary.first_touch_at,
        touch_summary.last_touch_at,
        ranked_qualifying.touched_at as mql_at,
        ranked_qualifying.definition_version,
        ranked_qualifying.touch_id as mql_touch_id,
        ranked_qualifying.touch_type as mql_touch_type,
        ranked_qualifying.window_points as mql_score,
        ranked_sales_ready.touched_at as srl_at,
        ranked_sales_ready.definition_version as srl_definition_version,
        ranked_sales_ready.touch_id as srl_touch_id,
        ranked_sales_ready.touch_type as srl_touch_type,
        ranked_sales_ready.window_points as srl_score,
        newest_load.load_id as _seen_up_to
    from touch_summary
    cross join newest_load
    left join ranked_qualifying
        on touch_summary.journey_id = ranked_qualifying.journey_id
            and ranked_qualifying.qualifying_rank = 1
    left join ranked_sales_ready
        on touch_summary.journey_id = ranked_sales_ready.journey_id
            and ranked_sales_ready.sales_ready_rank = 1

)

select * from final
