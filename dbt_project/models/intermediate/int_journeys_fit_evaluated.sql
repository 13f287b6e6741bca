{#- Fit of every journey under every version the funnel judges by (int_lead_definitions_in_force:
    the signed versions, or only the current one under var restate): employees within the
    version's bounds, industry not excluded, country in its list (an empty list: any country),
    seniority in its list (an empty list: any seniority). A lead's own company data comes first,
    the converted account's fills gaps. Unknown employees fail a version with a bound, an
    unknown country fails a version with a country list, an unknown seniority fails a version
    with a seniority list: fit must be shown, not assumed.

    Incremental by journey (macros/scoring.sql: fit_journeys_to_rebuild): a journey's fit
    follows from its journey row, its account and its title's seniority (a title's, from the
    seed alone; the definitions and seeds are every journey's, and a build after they change
    rebuilds everything: orchestration/build_state.py), so a build computes again the
    journeys int_journeys_identified computed again and those whose account a newer load
    brought, and writes the rows that differ from the built ones (by_difference,
    macros/diffed_table.sql). It was a table rewritten by difference until session 32.

    _seen_up_to: the newest load in raw when the row was written; with
    intermediate.int_journeys_fit_evaluated__gone (the journeys whose rows went: gone_key),
    scoring finds the journeys whose fit changed. -#}
-- depends_on: {{ ref('stg_salesforce__leads') }}, {{ ref('int_hubspot_contacts_matched') }}
{{ config(
    materialized=incremental_fact(),
    unique_key=['journey_id', 'definition_version'],
    incremental_strategy='by_difference',
    gone_key='journey_id',
    pre_hook="{{ rebuilt_keys_listed(fit_journeys_to_rebuild()) }}",
    post_hook="{{ gone_rows_emptied_by_a_full_build() }}",
) }}
with

newest_load as (

    {{ newest_load() }}

),

journeys as (

    select * from {{ ref('int_journeys_identified') }}
    {%- if is_incremental() %}
    where journey_id in (select rebuilt.journey_id from {{ rebuilt_keys(this) }} as rebuilt)
    {%- endif %}

),

accounts as (

    select * from {{ ref('stg_salesforce__accounts') }}
    where not is_deleted

),

titles as (

    select * from {{ ref('int_job_titles_classified') }}

),

versions as (

    select * from {{ ref('int_lead_definitions_in_force') }}

),

fit_values as {{ not_materialized() }} (

    select
        definition_version,
        list_name as criterion,
        list_value as fit_value
    from {{ ref('stg_contract__lead_definition_values') }}
    where list_name in ('industry_excluded', 'country', 'seniority')

),

journey_attributes as (

    select
        journeys.journey_id,
        coalesce(journeys.number_of_employees, accounts.number_of_employees) as number_of_employees,
        coalesce(journeys.industry, accounts.industry) as industry,
        coalesce(journeys.country, accounts.billing_country) as country,
        -- no title at all: seniority unknown, which no seniority list accepts
        coalesce(titles.seniority, 'unknown') as seniority
    from journeys
    left join accounts
        on journeys.account_id = accounts.account_id
    left join titles
        on journeys.title = titles.title

),

version_lists as (

    select
        versions.definition_version,
        versions.min_employees,
        versions.max_employees,
        count(case when fit_values.criterion = 'country' then 1 end) as country_values,
        count(case when fit_values.criterion = 'seniority' then 1 end) as seniority_values
    from versions
    left join fit_values
        on versions.definition_version = fit_values.definition_version
    group by
        versions.definition_version,
        versions.min_employees,
        versions.max_employees

),

excluded_industries as (

    select distinct
        definition_version,
        fit_value
    from fit_values
    where criterion = 'industry_excluded'

),

countries as (

    select distinct
        definition_version,
        fit_value
    from fit_values
    where criterion = 'country'

),

seniorities as (

    select distinct
        definition_version,
        fit_value
    from fit_values
    where criterion = 'seniority'

),

evaluated as (

    select
        journey_attributes.journey_id,
        version_lists.definition_version,
        journey_attributes.number_of_employees,
        journey_attributes.industry,
        journey_attributes.country,
        journey_attributes.seniority,
        case
            when version_lists.min_employees is null and version_lists.max_employees is null then true
            when journey_attributes.number_of_employees is null then false
            else coalesce(journey_attributes.number_of_employees >= version_lists.min_employees, true)
                and coalesce(journey_attributes.number_of_employees <= version_lists.max_employees, true)
        end as passes_employees,
        excluded_industries.fit_value is null as passes_industry,
        version_lists.country_values = 0 or countries.fit_value is not null as passes_country,
        version_lists.seniority_values = 0 or seniorities.fit_value is not null as passes_seniority
    from journey_attributes
    cross join version_lists
    left join excluded_industries
        on version_lists.definition_version = excluded_industries.definition_version
            and {{ picklist_key('journey_attributes.industry') }} = excluded_industries.fit_value
    left join countries
        on version_lists.definition_version = countries.definition_version
            and {{ picklist_key('journey_attributes.country') }} = countries.fit_value
    left join seniorities
        on version_lists.definition_version = seniorities.definition_version
            and journey_attributes.seniority = seniorities.fit_value

),

final as (

    select
        evaluated.journey_id,
        evaluated.definition_version,
        evaluated.number_of_employees,
        evaluated.industry,
        evaluated.country,
        evaluated.seniority,
        evaluated.passes_employees,
        evaluated.passes_industry,
        evaluated.passes_country,
        evaluated.passes_seniority,
        evaluated.passes_employees and evaluated.passes_industry and evaluated.passes_country
        and evaluated.passes_seniority as passes_fit,
        newest_load.load_id as _seen_up_to
    from evaluated
    cross join newest_load

)

select * from final
