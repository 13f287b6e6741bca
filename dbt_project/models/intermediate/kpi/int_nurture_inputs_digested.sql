{#- A digest of what a journey's nurture stays read (int_nurture_stays), one row per journey of
    the funnel: its funnel row (owner, source, channel and the stage moments) and the times of
    its sales touches (int_sales_touches_unioned). Its marketing touches are not digested
    (digesting their 5 per lead cost more than the rest of this model): int_touches_unioned
    marks the rows it writes and records the journeys whose touches went, which
    int_nurture_stays reads as well (macros/incremental.sql: nurture_journeys_to_rebuild). The lead
    definitions (stalled_days) are every journey's, and a build after they change rebuilds
    everything (orchestration/build_state.py).

    Incremental (macros/digest.sql: journey_digests), so that int_nurture_stays computes again
    only the journeys whose stage moments or touches changed. The columns are those
    int_nurture_stays reads (by name: a sales touch's owner_id too, which it takes from the
    funnel): one it starts to read must join the list (tests/test_end_to_end.py checks). -#}
{{ config(
    materialized=incremental_fact(),
    unique_key='journey_id',
    post_hook="{{ gone_journeys_deleted('funnel') }}",
) }}

{{ journey_digests([
    {'name': 'funnel', 'relation': ref('fct_lead_funnel'),
     'columns': ['lead_id', 'sourced_by', 'channel', 'owner_id', 'created_at',
                 funnel_handoff_column(), 'sal_at', 'rejected_at', 'recycled_at', 'sql_at',
                 'disqualified_at']},
    {'name': 'sales_touches', 'relation': ref('int_sales_touches_unioned'),
     'columns': ['touched_at', 'owner_id']},
]) }}
