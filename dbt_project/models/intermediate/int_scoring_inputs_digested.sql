{#- A digest of what a journey's scoring reads, one row per journey with touches: its touches
    (id, time and type: int_touches_unioned) and its fit under each lead definition version
    (int_journeys_fit_evaluated). The definitions themselves are the same for every journey,
    and a build after they change rebuilds everything (orchestration/build_state.py).

    Incremental (macros/digest.sql: journey_digests), so that int_touches_scored and
    int_journeys_scored compute again only the journeys whose inputs changed, whatever
    changed them: a new touch, a touch that moved to another journey or went, a new fit.
    Reading every touch and fit row to digest them costs a fraction of scoring them. The
    columns are those the two models read: one they start to read must join the list. -#}
{{ config(
    materialized=incremental_fact(),
    unique_key='journey_id',
    post_hook="{{ gone_journeys_deleted('touches') }}",
) }}

{{ journey_digests([
    {'name': 'touches', 'relation': ref('int_touches_unioned'),
     'columns': ['touch_id', 'touched_at', 'touch_type']},
    {'name': 'fit', 'relation': ref('int_journeys_fit_evaluated'),
     'columns': ['definition_version', 'passes_fit']},
]) }}
