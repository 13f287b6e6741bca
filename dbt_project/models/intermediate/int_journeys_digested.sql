{#- A digest of what a journey's scoring reads, one row per journey with touches: its touches
    (id, time and type: int_touches_unioned) and its fit under each lead definition version
    (int_journeys_fit_evaluated). The definitions themselves are the same for every journey,
    and a build after they change rebuilds everything (orchestration/build_state.py).

    Incremental (macros/incremental.sql), so that the per-journey models (int_touches_scored,
    int_journeys_scored) compute again only the journeys whose inputs changed, whatever
    changed them: a new touch, a touch that moved to another journey or went, a new fit. An
    incremental build writes only the journeys whose digest is not the one this table holds:
    new, changed, and gone ones (touches null; deleted by the next build), each marked in
    changed_after_load with the newest load in raw. Reading every touch and fit row to
    digest them costs a fraction of scoring them. -#}
{{ config(
    materialized=incremental_fact(),
    unique_key='journey_id',
    post_hook="{% if is_incremental() %}delete from {{ this }} where touches is null and changed_after_load < (select max(changed_after_load) from {{ this }}){% endif %}",
) }}

with

touches as (

    select * from {{ ref('int_touches_unioned') }}

),

fit as (

    select * from {{ ref('int_journeys_fit_evaluated') }}

),

touch_digests as (

    select
        journey_id,
        count(*) as touches,
        sum({{ row_digest(['touch_id', 'touched_at', 'touch_type']) }}) as touches_digest
    from touches
    group by journey_id

),

fit_digests as (

    select
        journey_id,
        sum({{ row_digest(['definition_version', 'passes_fit']) }}) as fit_digest
    from fit
    group by journey_id

),

digests as (

    select
        touch_digests.journey_id,
        touch_digests.touches,
        touch_digests.touches_digest,
        fit_digests.fit_digest
    from touch_digests
    left join fit_digests
        on touch_digests.journey_id = fit_digests.journey_id

),

{%- if is_incremental() %}

changed as (

    -- new and changed journeys, and gone ones (touches null: no touch any more)
    select
        coalesce(digests.journey_id, built.journey_id) as journey_id,
        digests.touches,
        digests.touches_digest,
        digests.fit_digest
    from digests
    full outer join {{ this }} as built
        on digests.journey_id = built.journey_id
    where digests.touches is distinct from built.touches
        or digests.touches_digest is distinct from built.touches_digest
        or digests.fit_digest is distinct from built.fit_digest

),

{%- else %}

changed as (

    select * from digests

),

{%- endif %}

newest_load as (

    {{ newest_load() }}

),

final as (

    select
        changed.journey_id,
        changed.touches,
        changed.touches_digest,
        changed.fit_digest,
        newest_load.load_id as changed_after_load
    from changed
    cross join newest_load

)

select * from final
