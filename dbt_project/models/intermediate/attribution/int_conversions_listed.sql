{#- Every conversion attribution credits, one row per milestone reached:
    - lead_created, mql, sal: each lead journey of fct_lead_funnel at created_at, mql_at, sal_at;
    - opportunity_created, won: each opportunity of fct_opportunities at its creation and at
      won_at (its close date), with its amount in the reporting currency
      (fct_opportunities.amount_converted: one rate for both, its close date's month). An
      opportunity no lead was converted into has no journey, so no touch: it is reported as
      unattributed, never lost.
    The lookback window of each milestone (var attribution.lookback_days) starts
    window_start_at; the moments of the lead's and the opportunity's creation place the W-shaped
    and full-path key touches. conversion_month: the reporting-time-zone month of the moment,
    except won, whose close date keeps its own calendar month.

    Incremental by journey (macros/attribution.sql: conversion_journeys_to_rebuild): a
    journey's conversions follow from its funnel row and its opportunities (the rates and the
    var attribution are every journey's, and a build after they change rebuilds everything:
    orchestration/build_state.py), so a build computes again the journeys with a funnel row
    or an opportunity written or gone since its newest load, and the opportunities without a
    journey, and writes the rows that differ from the built ones (by_difference,
    macros/diffed_table.sql; null_keys_rebuilt). It was a table rewritten by difference until
    session 32: every conversion computed and compared every day.

    _seen_up_to: the newest load in raw when the row was written; with
    intermediate.int_conversions_listed__gone (the journeys whose conversions went: gone_key),
    fct_attribution finds the journeys whose conversions changed. -#}
{{ config(
    materialized=incremental_fact(),
    unique_key='conversion_id',
    incremental_strategy='by_difference',
    gone_key='journey_id',
    null_keys_rebuilt=true,
    pre_hook="{{ rebuilt_keys_listed(conversion_journeys_to_rebuild()) }}",
    post_hook="{{ gone_rows_emptied_by_a_full_build() }}",
) }}

{%- set config = attribution_config() %}

with

newest_load as (

    {{ newest_load() }}

),

{%- if is_incremental() %}

rebuilt_journeys as (

    select journey_id from {{ rebuilt_keys(this) }}

),
{%- endif %}

funnel as (

    select * from {{ ref('fct_lead_funnel') }}
    {%- if is_incremental() %}
    where journey_id in (select rebuilt_journeys.journey_id from rebuilt_journeys)
    {%- endif %}

),

opportunities as (

    select * from {{ ref('fct_opportunities') }}
    {%- if is_incremental() %}
    where journey_id in (select rebuilt_journeys.journey_id from rebuilt_journeys)
        or journey_id is null
    {%- endif %}

),

journeys as (

    select journey_id, created_at from funnel

),

lead_milestones as (

    {%- for milestone, column in [('lead_created', 'created_at'), ('mql', 'mql_at'), ('sal', 'sal_at')] %}
    select
        '{{ milestone }}' as milestone,
        journey_id,
        cast(null as {{ dbt.type_string() }}) as opportunity_id,
        account_id,
        {{ column }} as converted_at,
        created_at as lead_created_at,
        cast(null as {{ dbt.type_timestamp() }}) as opportunity_created_at,
        cast(null as {{ type_double() }}) as amount_original,
        cast(null as {{ dbt.type_string() }}) as currency,
        cast(null as {{ type_double() }}) as amount
    from funnel
    where {{ column }} is not null
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}

),

opportunity_milestones as (

    {%- for milestone, column in [('opportunity_created', 'created_at'), ('won', 'won_at')] %}
    select
        '{{ milestone }}' as milestone,
        opportunities.journey_id,
        opportunities.opportunity_id,
        opportunities.account_id,
        opportunities.{{ column }} as converted_at,
        journeys.created_at as lead_created_at,
        opportunities.created_at as opportunity_created_at,
        cast(opportunities.amount as {{ type_double() }}) as amount_original,
        upper(trim(opportunities.currency_iso_code)) as currency,
        -- a missing amount adds 0 (as Salesforce's reports sum it), so that a null amount is
        -- one with no FX rate, which makes the sums that hold it null (macros/currency.sql)
        cast(
            case when opportunities.amount is null then 0 else opportunities.amount_converted end
            as {{ type_double() }}
        ) as amount
    from opportunities
    left join journeys
        on opportunities.journey_id = journeys.journey_id
    where opportunities.{{ column }} is not null
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}

),

milestones as (

    select * from lead_milestones
    union all
    select * from opportunity_milestones

),

dated as (

    select
        {{ dbt.concat(["milestone", "':'", "coalesce(opportunity_id, journey_id)"]) }} as conversion_id,
        *,
        case
            when milestone = 'won' then cast({{ dbt.date_trunc('month', 'converted_at') }} as date)
            else {{ reporting_month('converted_at') }}
        end as conversion_month,
        case milestone
            {%- for milestone, days in config['lookback_days'].items() %}
            when '{{ milestone }}' then {{ days | int }}
            {%- endfor %}
        end as lookback_days
    from milestones

),

final as (

    select
        dated.conversion_id,
        dated.milestone,
        dated.journey_id,
        dated.opportunity_id,
        dated.account_id,
        dated.converted_at,
        dated.conversion_month,
        dated.lead_created_at,
        dated.opportunity_created_at,
        dated.lookback_days,
        {{ dbt.dateadd('day', '-1 * dated.lookback_days', 'dated.converted_at') }} as window_start_at,
        dated.currency,
        dated.amount_original,
        dated.amount,
        newest_load.load_id as _seen_up_to
    from dated
    cross join newest_load

)

select * from final
