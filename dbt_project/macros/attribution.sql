{#- Helpers of the attribution models (models/*/attribution, docs/attribution.md). -#}

{#- The attribution settings: var `attribution` of dbt_project.yml over these defaults, one
    level deep, so that --vars '{attribution: {time_decay_half_life_days: 14}}' changes one
    setting and keeps the others. -#}
{% macro attribution_config() -%}
    {%- set config = {
        'reporting_currency': 'USD',
        'lookback_days': {'lead_created': 90, 'mql': 90, 'sal': 90, 'opportunity_created': 365, 'won': 365},
        'u_shaped': {'first': 0.5, 'last': 0.5},
        'w_shaped': {'first': 0.3, 'lead_created': 0.3, 'opportunity_created': 0.3},
        'full_path': {'first': 0.225, 'lead_created': 0.225, 'opportunity_created': 0.225, 'won': 0.225},
        'time_decay_half_life_days': 7,
    } -%}
    {%- set given = var('attribution', {}) or {} -%}
    {#- sqlfluff's stand-in var() gives no mapping: lint with the defaults -#}
    {%- if given is not mapping -%}
        {%- set given = {} -%}
    {%- endif -%}
    {%- for key, value in given.items() -%}
        {%- if value is mapping and config.get(key) is mapping -%}
            {%- set merged = {} -%}
            {%- do merged.update(config[key]) -%}
            {%- do merged.update(value) -%}
            {%- do config.update({key: merged}) -%}
        {%- else -%}
            {%- do config.update({key: value}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(config) }}
{%- endmacro %}

{#- The attribution models, in the order the marts list them, and the conversion milestones. -#}
{% macro attribution_models() -%}
    {{ return(['first_touch', 'last_touch', 'linear', 'u_shaped', 'w_shaped', 'full_path', 'time_decay']) }}
{%- endmacro %}

{#- What fct_attribution reads, by journey: models written by difference that mark the rows
    they write and record the journeys whose rows went (gone_key='journey_id'), so that an
    incremental build finds the journeys whose rows of them changed (macros/incremental.sql:
    journeys_written_or_gone). -#}
{% macro attribution_inputs() -%}
    {{ return(['int_conversions_listed', 'fct_touchpoints']) }}
{%- endmacro %}

{% macro attribution_milestones() -%}
    {{ return(['lead_created', 'mql', 'sal', 'opportunity_created', 'won']) }}
{%- endmacro %}

{#- The value of one query-string parameter of a URL (text after `<name>=` up to the next `&`
    or `#`), lower case, null when absent or empty. The parameter name matches in any case and
    only as a whole name (`xutm_campaign=` is not `utm_campaign=`). Values are not
    percent-decoded. -#}
{% macro url_query_parameter(url, name) -%}
    {{ return(adapter.dispatch('url_query_parameter', 'alignment')(url, name)) }}
{%- endmacro %}

{% macro default__url_query_parameter(url, name) -%}
    {%- set query = dbt.concat(["'&'", dbt.split_part(dbt.split_part('lower(' ~ url ~ ')', "'#'", 1), "'?'", 2)]) -%}
    {%- set after = dbt.split_part(query, "'&" ~ name | lower ~ "='", 2) -%}
    nullif({{ dbt.split_part(after, "'&'", 1) }}, '')
{%- endmacro %}

{#- 0.5 ^ (age / half-life): the weight of a touch `age_days` old under time decay. -#}
{% macro half_life_decay(age_days, half_life_days) -%}
    {{ return(adapter.dispatch('half_life_decay', 'alignment')(age_days, half_life_days)) }}
{%- endmacro %}

{% macro default__half_life_decay(age_days, half_life_days) -%}
    power(0.5, cast({{ age_days }} as {{ type_double() }}) / {{ half_life_days }})
{%- endmacro %}

{% macro spark__half_life_decay(age_days, half_life_days) -%}
    pow(0.5, cast({{ age_days }} as double) / {{ half_life_days }})
{%- endmacro %}

{#- A double rounded to `places` decimals, still a double (PostgreSQL rounds only numeric). -#}
{% macro round_double(expression, places) -%}
    {{ return(adapter.dispatch('round_double', 'alignment')(expression, places)) }}
{%- endmacro %}

{% macro default__round_double(expression, places) -%}
    cast(round(cast({{ expression }} as numeric), {{ places }}) as {{ type_double() }})
{%- endmacro %}

{% macro duckdb__round_double(expression, places) -%}
    round({{ expression }}, {{ places }})
{%- endmacro %}

{% macro spark__round_double(expression, places) -%}
    round({{ expression }}, {{ places }})
{%- endmacro %}

{#- The journeys an incremental build of fct_touchpoints computes again: those with a touch
    (int_touches_unioned, int_sales_touches_unioned) or a funnel row (its account) written or
    gone since its newest load, and those with a built touch whose campaign key
    int_campaign_keys_mapped wrote again since (mapped otherwise, or its forms became ad
    clicks). A key written again has its touches found among the built ones: a touch not
    built yet is new, and written upstream. -#}
{% macro touchpoint_journeys_to_rebuild() -%}
    {{ journeys_written_or_gone(['int_touches_unioned', 'int_sales_touches_unioned', 'fct_lead_funnel']) }}
    union
    select built.journey_id
    from {{ this }} as built
    inner join {{ ref('int_campaign_keys_mapped') }} as remapped
        on built.source_system = remapped.source_system
            and built.source_campaign_key = remapped.source_campaign_key
    where remapped._seen_up_to > {{ newest_load_written() }}
{%- endmacro %}

{#- The journeys an incremental build of int_conversions_listed computes again: those with a
    funnel row or an opportunity written or gone since its newest load (both mark the rows
    they write and record the journeys whose rows went). -#}
{% macro conversion_journeys_to_rebuild() -%}
    {{ journeys_written_or_gone(['fct_lead_funnel', 'fct_opportunities']) }}
{%- endmacro %}
