-- Every Salesforce lead that is not deleted is exactly one journey of the funnel, and no
-- deleted lead is.
-- After an incremental build, the leads a newer load brought a version of and the journeys
-- the funnel wrote or recorded gone since the last tested build: staging never drops a lead,
-- so any other lead and its journey are as that build tested them.
{{ config(meta={'dagster': {'ref': {'name': 'fct_lead_funnel'}}}) }}
{%- set tested_up_to = tested_up_to_load() %}
{%- if tested_up_to is not none %}
{%- set checked_journeys -%}
    select {{ dbt.concat(["'sf_lead:'", "lead_id"]) }} as journey_id
    from {{ ref('stg_salesforce__leads') }}
    where _load_id > {{ tested_up_to }}
    union
    {{ journeys_written_or_gone(['fct_lead_funnel'], since=tested_up_to) }}
{%- endset %}
{%- endif %}
with

leads as (

    select * from {{ ref('stg_salesforce__leads') }}
    {%- if tested_up_to is not none %}
    where {{ dbt.concat(["'sf_lead:'", "lead_id"]) }} in ({{ checked_journeys }})
    {%- endif %}

),

funnel as (

    select * from {{ ref('fct_lead_funnel') }}
    where journey_type = 'salesforce_lead'
    {%- if tested_up_to is not none %}
        and journey_id in ({{ checked_journeys }})
    {%- endif %}

),

final as (

    select
        coalesce(leads.lead_id, funnel.lead_id) as lead_id,
        leads.is_deleted,
        funnel.journey_id
    from leads
    full outer join funnel
        on leads.lead_id = funnel.lead_id
    where (leads.lead_id is null)
        or (not leads.is_deleted and funnel.journey_id is null)
        or (leads.is_deleted and funnel.journey_id is not null)

)

select * from final
