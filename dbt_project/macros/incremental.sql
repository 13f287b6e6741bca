{#- Incremental builds of the large facts (docs/performance.md, "Incremental facts").

    A refresh builds them incrementally when the dbt project, the seeds, the vars and the
    contract are those of the last complete build; otherwise orchestration passes
    --full-refresh (orchestration/build_state.py). Their rows are then a function of raw alone,
    and raw only grows: every landing file is a load with a larger _load_id. -#}

{#- Materialization of an incremental fact: rows replaced by unique_key with the strategy and
    schema-change rule of dbt_project.yml (delete+insert; new custom columns of raw added). -#}
{% macro incremental_fact() -%}
    {{ return(adapter.dispatch('incremental_fact', 'alignment')()) }}
{%- endmacro %}

{% macro default__incremental_fact() -%}
    {{ return('incremental') }}
{%- endmacro %}

{#- Spark's default (Parquet) tables cannot delete rows: the facts are rebuilt whole there. -#}
{% macro spark__incremental_fact() -%}
    {{ return('table') }}
{%- endmacro %}

{#- The newest load an incremental fact has seen: its largest _load_id (-1 when empty), or
    the largest value of column, for a fact whose newest loads may make none of its rows (it
    then keeps the newest load of each build in a column: int_touches_unioned's
    _seen_up_to). -#}
{% macro loaded_up_to(column='_load_id') -%}
    (select coalesce(max({{ column }}), -1) from {{ this }})
{%- endmacro %}

{#- loaded_up_to('_seen_up_to') of the model being built, read when rendered (-1 when parsing,
    where no query runs, and in a full build, whose hooks render it too). -#}
{% macro newest_load_written() -%}
    {%- if not execute or not is_incremental() -%}
        {{ return(-1) }}
    {%- endif -%}
    {{ return(run_query('select coalesce(max(_seen_up_to), -1) from ' ~ this).columns[0].values()[0]) }}
{%- endmacro %}

{#- The raw rows a staging model reads: all of them in a full build; in an incremental one,
    every version of each record that a newer load brought, so that "latest wins" still
    ranks a record's versions across all its loads (a late re-export of an old version must
    not replace a newer one). key: the record's key column, or an expression over the
    relation's columns that is equal for every version of a record. -#}
{% macro versions_of_changed_records(relation, key='id') -%}
    select * from {{ relation }}
    {%- if is_incremental() %}
    where {{ key }} in (
        select {{ key }} from {{ relation }}
        where _load_id > {{ loaded_up_to() }}
    )
    {%- endif %}
{%- endmacro %}

{#- The newest load in raw (0 before any), as a one-row relation: what the incremental
    models that compare builds (int_identity_journeys, int_touches_unioned) mark the rows they
    write with. -#}
{% macro newest_load() -%}
    select coalesce(max(load_id), 0) as load_id
    from {{ source('landing', 'load_manifest') }}
{%- endmacro %}

{#- The journeys whose rows in any of models (each marks the rows it writes, _seen_up_to, and
    records the journeys whose rows went, gone_key='journey_id': macros/gone_rows.sql)
    changed after load `since` (by default the calling model's newest, _seen_up_to): a row
    of the journey written since or the journey's gone row. What a digest of every
    journey's rows would find, reading only the rows written and gone: scoring's journeys
    (scoring_inputs()), attribution's (attribution_inputs()), the nurture stays'
    (nurture_inputs()) and the touchpoints'. The model declares `-- depends_on: ref(model)`
    for each, deletes their rows in a pre-hook (a journey may have none now) and writes them
    again by journey_id, or lists them for by_difference (rebuilt_keys_listed). A row written
    again unchanged (an incremental model rewrites
    what it reads again; a table rewritten by difference keeps its mark) marks its journey
    too, which is only computed again. Only a build that brings a newer load marks: a
    refresh builds incrementally only then.

    The calling model's newest load is read when the model's SQL (or hook) is rendered,
    before its pre-hook deletes rows, and written into the SQL as a number: DuckDB then
    reads the marked rows by their row groups' bounds and joins the few journeys first
    (int_touches_scored alone at 10M: 1.3 s against 5.6 s with the newest load as a
    subquery, which made it semi-join 37M touches after pricing them). -#}
{% macro journeys_written_or_gone(models, since=none) -%}
    {%- set since = newest_load_written() if since is none else since %}
    {%- for model in models %}
    {%- if not loop.first %}
    union
    {%- endif %}
    select journey_id from {{ ref(model) }}
    where _seen_up_to > {{ since }}
    union
    select journey_id from {{ gone_rows(ref(model)) }}
    where _seen_up_to > {{ since }}
    {%- endfor %}
{%- endmacro %}

{#- Per-record incremental models over staging (int_lead_stages_dated): the keys to compute
    again, those of records whose latest version a load after the model's newest
    (_seen_up_to) brought into any of the staging models it reads. A staging model writes a
    record again, with the load of its new version, whenever a load brings one
    (versions_of_changed_records), and never drops one: raw only grows. inputs: [model,
    key column] pairs, the model's rows read by that key. -#}
{% macro records_to_rebuild(inputs) -%}
    {%- for model, key in inputs %}
    {%- if not loop.first %}
    union
    {%- endif %}
    select {{ key }} from {{ ref(model) }}
    where _load_id > {{ loaded_up_to('_seen_up_to') }}
    {%- endfor %}
{%- endmacro %}

{#- The pre-hook of a model incremental by record or journey (int_lead_stages_dated,
    int_journeys_identified, fct_lead_funnel, fct_attribution): its rows whose key is among
    keys (a query: the records or journeys it computes again), and those where also_where
    holds (rows it computes again in every build), deleted, in an incremental build; a record
    or journey may have none now (a lead deleted in Salesforce). -#}
{% macro rebuilt_rows_deleted(key, keys, also_where=none) -%}
    {%- if is_incremental() -%}
    delete from {{ this }} where {{ key }} in ({{ keys }})
    {%- if also_where %} or {{ also_where }}{% endif %}
    {%- endif -%}
{%- endmacro %}

{#- intermediate.<model>__rebuilt: the keys (gone_key) the model's last incremental build
    computed again, for a model built by_difference (macros/diffed_table.sql). -#}
{% macro rebuilt_keys(relation) -%}
    {{ return(companion_table(relation, 'rebuilt')) }}
{%- endmacro %}

{#- The pre-hook of a model built by_difference: in an incremental build, the keys the query
    keys gives (one column, named as gone_key) listed in rebuilt_keys(this), which the model's
    SQL reads its rows of and the strategy compares the table's rows of: both read one list,
    computed once. -#}
{% macro rebuilt_keys_listed(keys) -%}
    {%- if is_incremental() -%}
    drop table if exists {{ rebuilt_keys(this) }};
    create table {{ rebuilt_keys(this) }} as
    select distinct {{ config.get('gone_key') }} from ({{ keys }}) as keys
    {%- endif -%}
{%- endmacro %}

{#- The journeys an incremental build of int_journeys_identified computes again: those of the
    leads a load after its newest (_seen_up_to) brought a version of (a deleted lead's too),
    and those the HubSpot contacts matched again since joined (journey_id) or left
    (replaced_journey_id: int_hubspot_contacts_matched, built earlier in the same run; a run
    that fails between them leaves the next one a full build). Read from upstream alone, so
    the pre-hook's delete and the build read the same set. mark: the calling model's column of
    the newest load it has seen (int_identity_journeys reads the set too, after its own). -#}
{% macro journeys_reidentified(mark='_seen_up_to') -%}
    {%- set up_to = loaded_up_to(mark) %}
    select {{ dbt.concat(["'sf_lead:'", "lead_id"]) }} as journey_id
    from {{ ref('stg_salesforce__leads') }}
    where _load_id > {{ up_to }}
    union
    {{ journeys_rematched(up_to) }}
{%- endmacro %}

{#- The journeys the HubSpot contacts matched again after load `since` joined (journey_id) or
    left (replaced_journey_id: int_hubspot_contacts_matched). -#}
{% macro journeys_rematched(since) -%}
    select journey_id from {{ ref('int_hubspot_contacts_matched') }}
    where _seen_up_to > {{ since }}
    union
    select replaced_journey_id from {{ ref('int_hubspot_contacts_matched') }}
    where _seen_up_to > {{ since }}
{%- endmacro %}

{#- The journeys an incremental build of fct_lead_funnel computes again: those whose journey
    row int_journeys_identified computes again (journeys_reidentified: a journey gone among
    them), whose scoring inputs changed (int_journeys_scored's rows: scoring_inputs()), whose lead a newer
    load brought a record or history record of (its stage dates, its custom columns), whose
    opportunity a newer load brought a record or history record of (its amount, creation,
    won and lost moments, whether it is missing), whose account a newer load brought
    (whether it is missing), and those converted into the opportunity of a journey computed
    again (which of them the opportunity is credited to). -#}
{% macro funnel_journeys_to_rebuild() -%}
    {%- set up_to = loaded_up_to('_seen_up_to') %}
    {{ journeys_reidentified() }}
    union
    {{ journeys_written_or_gone(scoring_inputs()) }}
    union
    select {{ dbt.concat(["'sf_lead:'", "lead_id"]) }} as journey_id
    from {{ ref('stg_salesforce__lead_history') }}
    where _load_id > {{ up_to }}
    union
    select journey_id from {{ ref('int_journeys_identified') }}
    where opportunity_id in (
        select opportunity_id from {{ ref('stg_salesforce__opportunities') }}
        where _load_id > {{ up_to }}
        union
        select opportunity_id from {{ ref('stg_salesforce__opportunity_history') }}
        where _load_id > {{ up_to }}
    )
        or account_id in (
            select account_id from {{ ref('stg_salesforce__accounts') }}
            where _load_id > {{ up_to }}
        )
    union
    -- converted into the opportunity of a journey computed again, now or before: which of
    -- them it is credited to (macros/opportunity_sources.sql) may have changed
    select journey_id from {{ ref('int_journeys_identified') }}
    where opportunity_id in (
        select opportunity_id from {{ ref('int_journeys_identified') }}
        where journey_id in ({{ journeys_reidentified() }})
        union
        select opportunity_id from {{ this }}
        where journey_id in ({{ journeys_reidentified() }})
    )
{%- endmacro %}

{#- The journeys an incremental build of fct_definition_drift computes again: those with a
    funnel row, a touch or a fit row written or gone since its newest load (the journeys whose
    scored touches scoring computed again are among them: scoring_inputs()), and those a
    HubSpot contact matched since joined (journey_id) or left (replaced_journey_id). -#}
{% macro drift_journeys_to_rebuild() -%}
    {%- set since = newest_load_written() %}
    {{ journeys_written_or_gone(['fct_lead_funnel', 'int_touches_unioned', 'int_journeys_fit_evaluated'], since) }}
    union
    {{ journeys_rematched(since) }}
{%- endmacro %}
