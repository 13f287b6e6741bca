{#- Identity resolution, HubSpot side: each HubSpot contact matched to the Salesforce lead whose
    journey it belongs to. Order of evidence: the synced salesforceleadid (or the lead its
    merges end at, when it was merged away: int_salesforce_leads_merged), the synced
    salesforcecontactid (through the lead converted to that contact), then the normalized e-mail
    (a lead first, a contact second). A contact matched to no lead and no contact is a
    HubSpot-only inquiry and starts its own journey, unless it was deleted in HubSpot (its
    journey goes, as a deleted lead's does); one matched only to a Salesforce contact that no
    lead was converted to belongs to no journey (a customer contact, not a lead). A deleted
    contact still matched to a live lead keeps its place in the lead's journey: Salesforce
    says the lead exists, and HubSpot deletes contacts for clean-ups too. A contact merged
    into another in HubSpot (int_hubspot_contacts_merged) takes the surviving contact's
    match (match_method merged), whether an export still holds it (Fivetran keeps it,
    deleted) or not (a row of its own then, its attributes null): its forms and e-mail
    events, exported under its old id and address, count in the survivor's journey.

    Incremental by HubSpot contact: a build matches again the contacts whose match a newer
    load of the three staging models may have changed (macros/rematched_hubspot_contacts.sql)
    and replaces their rows (delete+insert by hubspot_contact_id: a contact, never dropped by
    staging, always has one; a merged contact that no export holds and no merge lists any
    more is written without a match and deleted by the post-hook). The lifecycle stage map
    is every contact's, and a build after it changes rebuilds everything
    (orchestration/build_state.py). _seen_up_to: the newest
    load in raw when the row was written; replaced_journey_id: the journey of the row it
    replaced (incremental builds), which int_journeys_identified computes again when the
    contact left it. -#}
{{ config(
    materialized=incremental_fact(),
    unique_key='hubspot_contact_id',
    post_hook="{% if is_incremental() %}delete from {{ this }} where match_method is null{% endif %}",
) }}
with

{%- if is_incremental() %}

rematched as (

    {{ rematched_hubspot_contacts() }}

),
{%- endif %}

hubspot_contacts as {{ not_materialized() }} (

    select * from {{ ref('stg_hubspot__contacts') }}
    {%- if is_incremental() %}
    where hubspot_contact_id in (select rematched.hubspot_contact_id from rematched)
    {%- endif %}

),

-- the contacts merged into another, and the contact that survived (matched again with them)
contact_merges as (

    select
        merged_contact_id,
        surviving_contact_id
    from {{ ref('int_hubspot_contacts_merged') }}
    {%- if is_incremental() %}
    where merged_contact_id in (select rematched.hubspot_contact_id from rematched)
    {%- endif %}

),

-- every contact matched: those staged, and those merged away that no export holds
contact_ids as (

    {%- if is_incremental() %}
    select hubspot_contact_id from rematched
    {%- else %}
    select hubspot_contact_id from hubspot_contacts
    union all
    select contact_merges.merged_contact_id
    from contact_merges
    left join hubspot_contacts
        on contact_merges.merged_contact_id = hubspot_contacts.hubspot_contact_id
    where hubspot_contacts.hubspot_contact_id is null
    {%- endif %}

),

-- the leads and contacts a match reads: of the rematched contacts' e-mail addresses and
-- Salesforce contacts in an incremental build (every record of a ranked partition is kept)
leads as {{ not_materialized() }} (

    select * from {{ ref('stg_salesforce__leads') }}
    where not is_deleted

),

-- a lead merged into another: a HubSpot contact still synced to it belongs to the lead its
-- merges end at
merged_leads as (

    select
        merged_lead_id,
        surviving_lead_id
    from {{ ref('int_salesforce_leads_merged') }}

),

contacts as {{ not_materialized() }} (

    select * from {{ ref('stg_salesforce__contacts') }}
    where not is_deleted

),

newest_load as (

    {{ newest_load() }}

),

lifecycle_stage_map as (

    select * from {{ ref('lifecycle_stage_map') }}

),

-- the lead converted to each contact: the latest conversion wins
contact_leads as (

    select
        converted_contact_id as contact_id,
        lead_id,
        row_number() over (
            partition by converted_contact_id
            order by converted_date desc nulls last, created_at desc, lead_id desc
        ) as lead_rank
    from leads
    where converted_contact_id is not null
    {%- if is_incremental() %}
        and converted_contact_id in (
            select hubspot_contacts.salesforce_contact_id from hubspot_contacts
            union
            select contacts.contact_id from contacts
            where contacts.email in (select hubspot_contacts.email from hubspot_contacts)
        )
    {%- endif %}

),

-- one lead per e-mail address: the latest created
email_leads as (

    select
        email,
        lead_id,
        row_number() over (partition by email order by created_at desc, lead_id desc) as lead_rank
    from leads
    where email is not null
    {%- if is_incremental() %}
        and email in (select hubspot_contacts.email from hubspot_contacts)
    {%- endif %}

),

email_contacts as (

    select
        email,
        contact_id,
        row_number() over (partition by email order by created_at desc, contact_id desc) as contact_rank
    from contacts
    where email is not null
    {%- if is_incremental() %}
        and email in (select hubspot_contacts.email from hubspot_contacts)
    {%- endif %}

),

candidates as (

    select
        hubspot_contacts.hubspot_contact_id,
        hubspot_contacts.is_deleted,
        leads_by_id.lead_id as lead_by_id,
        coalesce(contacts_by_id.contact_id, leads_by_contact_id.contact_id) as contact_by_id,
        leads_by_contact_id.lead_id as lead_by_contact_id,
        email_leads.lead_id as lead_by_email,
        email_contacts.contact_id as contact_by_email,
        leads_by_email_contact.lead_id as lead_by_email_contact
    from hubspot_contacts
    left join merged_leads
        on hubspot_contacts.salesforce_lead_id = merged_leads.merged_lead_id
    left join leads as leads_by_id
        on coalesce(merged_leads.surviving_lead_id, hubspot_contacts.salesforce_lead_id)
            = leads_by_id.lead_id
    left join contacts as contacts_by_id
        on hubspot_contacts.salesforce_contact_id = contacts_by_id.contact_id
    left join contact_leads as leads_by_contact_id
        on hubspot_contacts.salesforce_contact_id = leads_by_contact_id.contact_id
            and leads_by_contact_id.lead_rank = 1
    left join email_leads
        on hubspot_contacts.email = email_leads.email
            and email_leads.lead_rank = 1
    left join email_contacts
        on hubspot_contacts.email = email_contacts.email
            and email_contacts.contact_rank = 1
    left join contact_leads as leads_by_email_contact
        on email_contacts.contact_id = leads_by_email_contact.contact_id
            and leads_by_email_contact.lead_rank = 1

),

matched as (

    select
        hubspot_contact_id,
        case
            when lead_by_id is not null then 'salesforce_lead_id'
            when contact_by_id is not null then 'salesforce_contact_id'
            when lead_by_email is not null then 'email_lead'
            when contact_by_email is not null then 'email_contact'
            when is_deleted then 'deleted'
            else 'unmatched'
        end as match_method,
        case
            when lead_by_id is not null then lead_by_id
            when contact_by_id is not null then lead_by_contact_id
            when lead_by_email is not null then lead_by_email
            when contact_by_email is not null then lead_by_email_contact
        end as lead_id,
        case
            when lead_by_id is not null then null
            when contact_by_id is not null then contact_by_id
            when lead_by_email is not null then null
            else contact_by_email
        end as contact_id
    from candidates

),

-- a merged contact's match is the surviving contact's
resolved as (

    select
        contact_ids.hubspot_contact_id,
        contact_merges.surviving_contact_id as merged_into_contact_id,
        case
            when contact_merges.surviving_contact_id is not null then 'merged'
            else decided.match_method
        end as match_method,
        decided.lead_id,
        decided.contact_id,
        case
            when decided.lead_id is not null
                then {{ dbt.concat(["'sf_lead:'", "decided.lead_id"]) }}
            when decided.match_method = 'unmatched'
                then {{ dbt.concat(["'hs_contact:'", "decided.hubspot_contact_id"]) }}
        end as journey_id
    from contact_ids
    left join contact_merges
        on contact_ids.hubspot_contact_id = contact_merges.merged_contact_id
    left join matched as decided
        on coalesce(contact_merges.surviving_contact_id, contact_ids.hubspot_contact_id)
            = decided.hubspot_contact_id

),

final as (

    select
        resolved.hubspot_contact_id,
        resolved.journey_id,
        resolved.match_method,
        resolved.lead_id,
        resolved.contact_id,
        resolved.merged_into_contact_id,
        hubspot_contacts.email,
        hubspot_contacts.additional_emails,
        hubspot_contacts.created_at,
        hubspot_contacts.company,
        hubspot_contacts.job_title,
        hubspot_contacts.analytics_source,
        hubspot_contacts.lifecycle_stage,
        case
            when hubspot_contacts.hubspot_contact_id is not null
                then coalesce(lifecycle_stage_map.funnel_stage, 'unmapped')
        end as lifecycle_funnel_stage,
        hubspot_contacts.became_mql_at,
        hubspot_contacts.became_sql_at,
        hubspot_contacts.hubspot_score,
        newest_load.load_id as _seen_up_to,
        {%- if is_incremental() %}
        replaced.journey_id as replaced_journey_id
        {%- else %}
        cast(null as {{ dbt.type_string() }}) as replaced_journey_id
        {%- endif %}
    from resolved
    left join hubspot_contacts
        on resolved.hubspot_contact_id = hubspot_contacts.hubspot_contact_id
    cross join newest_load
    left join lifecycle_stage_map
        on {{ picklist_key('hubspot_contacts.lifecycle_stage') }}
            = {{ picklist_key('lifecycle_stage_map.lifecycle_stage') }}
    {%- if is_incremental() %}
    left join {{ this }} as replaced
        on resolved.hubspot_contact_id = replaced.hubspot_contact_id
    {%- endif %}

)

select * from final
