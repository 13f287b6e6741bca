{#- A digest of what a journey's attribution reads (fct_attribution), one row per journey with
    conversions: its conversions (int_conversions_listed: milestone, moment, window, amount,
    opportunity, account) and its touches (fct_touchpoints: time, kind, campaign, channel).
    The attribution settings (dbt_project.yml var attribution) are every journey's, and a
    build after they change rebuilds everything (orchestration/build_state.py).

    Incremental (macros/digest.sql: journey_digests), so that fct_attribution computes again
    only the journeys whose conversions or touches changed, whatever changed them: a new
    milestone, an opportunity's amount, a touch that moved, a campaign's new name or
    channel. Conversions without a journey (opportunities no lead was converted into) are
    computed again by every build. The columns are those fct_attribution reads (by name:
    a touch's account_id too, which it takes from the conversion): one it starts to read
    must join the list (tests/test_end_to_end.py checks). -#}
{{ config(
    materialized=incremental_fact(),
    unique_key='journey_id',
    post_hook="{{ gone_journeys_deleted('conversions') }}",
) }}

{{ journey_digests([
    {'name': 'conversions', 'relation': ref('int_conversions_listed'),
     'columns': ['conversion_id', 'milestone', 'opportunity_id', 'account_id', 'converted_at',
                 'conversion_month', 'amount', 'lead_created_at', 'opportunity_created_at',
                 'window_start_at']},
    {'name': 'touches', 'relation': ref('fct_touchpoints'),
     'columns': ['touch_id', 'touched_at', 'touch_kind', 'campaign_key', 'campaign_name',
                 'channel', 'account_id']},
]) }}
