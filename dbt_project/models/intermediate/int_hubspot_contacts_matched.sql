{#- Identity resolution, HubSpot side: each HubSpot contact matched to the Salesforce lead whose
    journey it belongs to. Order of evidence: the synced salesforceleadid, the synced
    salesforcecontactid (through the lead converted to that contact), then the normalized e-mail
    (a lead first, a contact second). A contact matched to no lead and no contact is a
    HubSpot-only inquiry and starts its own journey; one matched only to a Salesforce contact
    that no lead was converted to belongs to no journey (a customer contact, not a lead). -#}
{{ config(materialized=diffed_table()) }}
with

hubspot_contacts as {{ not_materialized() }} (

    select * from {{ ref('stg_hubspot__contacts') }}

),

leads as {{ not_materialized() }} (

    select * from {{ ref('stg_salesforce__leads') }}
    where not is_deleted

),

contacts as {{ not_materialized() }} (

    select * from {{ ref('stg_salesforce__contacts') }}

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

),

-- one lead per e-mail address: the latest created
email_leads as (

    select
        email,
        lead_id,
        row_number() over (partition by email order by created_at desc, lead_id desc) as lead_rank
    from leads
    where email is not null

),

email_contacts as (

    select
        email,
        contact_id,
        row_number() over (partition by email order by created_at desc, contact_id desc) as contact_rank
    from contacts
    where email is not null

),

candidates as (

    select
        hubspot_contacts.hubspot_contact_id,
        leads_by_id.lead_id as lead_by_id,
        coalesce(contacts_by_id.contact_id, leads_by_contact_id.contact_id) as contact_by_id,
        leads_by_contact_id.lead_id as lead_by_contact_id,
        email_leads.lead_id as lead_by_email,
        email_contacts.contact_id as contact_by_email,
        leads_by_email_contact.lead_id as lead_by_email_contact
    from hubspot_contacts
    left join leads as leads_by_id
        on hubspot_contacts.salesforce_lead_id = leads_by_id.lead_id
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

final as (

    select
        hubspot_contacts.hubspot_contact_id,
        case
            when matched.lead_id is not null
                then {{ dbt.concat(["'sf_lead:'", "matched.lead_id"]) }}
            when matched.match_method = 'unmatched'
                then {{ dbt.concat(["'hs_contact:'", "hubspot_contacts.hubspot_contact_id"]) }}
        end as journey_id,
        matched.match_method,
        matched.lead_id,
        matched.contact_id,
        hubspot_contacts.email,
        hubspot_contacts.created_at,
        hubspot_contacts.company,
        hubspot_contacts.job_title,
        hubspot_contacts.analytics_source,
        hubspot_contacts.lifecycle_stage,
        coalesce(lifecycle_stage_map.funnel_stage, 'unmapped') as lifecycle_funnel_stage,
        hubspot_contacts.became_mql_at,
        hubspot_contacts.became_sql_at,
        hubspot_contacts.hubspot_score
    from hubspot_contacts
    inner join matched
        on hubspot_contacts.hubspot_contact_id = matched.hubspot_contact_id
    left join lifecycle_stage_map
        on {{ picklist_key('hubspot_contacts.lifecycle_stage') }}
            = {{ picklist_key('lifecycle_stage_map.lifecycle_stage') }}

)

select * from final
