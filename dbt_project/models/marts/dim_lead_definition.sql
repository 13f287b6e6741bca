{#- One row per signed version of the lead definition: every setting of the contract, its
    lists and points as readable text, whether the funnel judged by it in this build, and how
    many journeys it qualified as MQL and handed over to sales (fct_lead_funnel). -#}
with

versions as (

    select * from {{ ref('stg_contract__lead_definition_versions') }}

),

versions_in_force as (

    select * from {{ ref('int_lead_definitions_in_force') }}

),

list_values as (

    select * from {{ ref('stg_contract__lead_definition_values') }}

),

points as (

    select * from {{ ref('stg_contract__lead_definition_points') }}

),

reasons as (

    select * from {{ ref('stg_contract__lead_definition_reasons') }}

),

funnel as {{ not_materialized() }} (

    select * from {{ ref('fct_lead_funnel') }}

),

list_texts as (

    select
        definition_version,
        list_name,
        {{ dbt.listagg('list_value_as_agreed', "', '", 'order by list_value_as_agreed') }} as list_text
    from list_values
    group by
        definition_version,
        list_name

),

lists as (

    select
        definition_version,
        max(case when list_name = 'industry_excluded' then list_text end) as industries_excluded,
        max(case when list_name = 'country' then list_text end) as countries,
        max(case when list_name = 'seniority' then list_text end) as seniorities,
        max(case when list_name = 'srl_intent_touch_type' then list_text end) as srl_intent_touch_types,
        max(case when list_name = 'accepted_status' then list_text end) as accepted_statuses
    from list_texts
    group by definition_version

),

-- whole points without a decimal part: demo_request=40, not 40.0
priced as (

    select
        definition_version,
        touch_type,
        points,
        case
            when points = floor(points)
                then cast(cast(points as {{ dbt.type_bigint() }}) as {{ dbt.type_string() }})
            else cast(points as {{ dbt.type_string() }})
        end as points_text
    from points

),

points_texts as (

    select
        definition_version,
        {{ dbt.listagg(
            dbt.concat(['touch_type', "'='", 'points_text']),
            "', '",
            'order by points desc, touch_type'
        ) }} as points
    from priced
    group by definition_version

),

reason_texts as (

    select
        definition_version,
        {{ dbt.listagg('rejection_reason', "', '", 'order by rejection_reason') }} as rejection_reasons
    from reasons
    group by definition_version

),

mql_counts as (

    select
        mql_definition_version as definition_version,
        count(*) as mql_journeys
    from funnel
    where mql_definition_version is not null
    group by mql_definition_version

),

handoff_counts as (

    select
        definition_version,
        count(*) as handed_over_journeys
    from funnel
    where is_handed_over
    group by definition_version

),

final as (

    select
        versions.definition_version,
        versions.effective_from,
        versions.effective_to,
        versions.is_current,
        versions_in_force.definition_version is not null as is_applied,
        versions.agreed_by_marketing,
        versions.agreed_by_sales,
        versions.mql_threshold,
        versions.scoring_window_days,
        versions.min_employees,
        versions.max_employees,
        lists.industries_excluded,
        lists.countries,
        lists.seniorities,
        points_texts.points,
        versions.srl_min_score,
        lists.srl_intent_touch_types,
        versions.sla_hours,
        versions.sla_business_hours,
        versions.disposition_days,
        lists.accepted_statuses,
        reason_texts.rejection_reasons,
        versions.stalled_days,
        versions.cooldown_days,
        versions.nurture_window_days,
        coalesce(mql_counts.mql_journeys, 0) as mql_journeys,
        coalesce(handoff_counts.handed_over_journeys, 0) as handed_over_journeys
    from versions
    left join versions_in_force
        on versions.definition_version = versions_in_force.definition_version
    left join lists
        on versions.definition_version = lists.definition_version
    left join points_texts
        on versions.definition_version = points_texts.definition_version
    left join reason_texts
        on versions.definition_version = reason_texts.definition_version
    left join mql_counts
        on versions.definition_version = mql_counts.definition_version
    left join handoff_counts
        on versions.definition_version = handoff_counts.definition_version

)

select * from final
