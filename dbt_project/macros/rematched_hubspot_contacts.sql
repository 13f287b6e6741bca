{#- The HubSpot contacts an incremental build of int_hubspot_contacts_matched matches again:
    those a load after the model's newest (_seen_up_to) may have matched otherwise. A contact's
    match reads its own record, the lead and the Salesforce contact its synced ids name, the
    leads converted to that Salesforce contact, and the leads and Salesforce contacts with its
    e-mail address and the leads converted to the latest of those contacts. A newer load that
    brought a version of any of these records brought (staging keeps the latest version, with
    its load):
      - the contact itself;
      - a lead or Salesforce contact whose new version the contact's ids or e-mail address
        find now (its id, its converted contact, its address, the address of its converted
        contact; the lead that the contact's merged-away lead was merged into);
      - one whose old version the match found and used: the contact's row here then names
        that lead or Salesforce contact (lead_id, contact_id), whatever the new version says.
    An old version that the match found but did not use (a lead ranked below another) cannot
    change it by going. Read before the build writes: the rows it replaces (every contact in
    staging has one, so none is deleted without one written) are its only memory of the
    old versions. -#}
{% macro rematched_hubspot_contacts() -%}
    {%- set up_to = loaded_up_to('_seen_up_to') %}
    with

    changed_leads as (

        select
            lead_id,
            email,
            converted_contact_id
        from {{ ref('stg_salesforce__leads') }}
        where _load_id > {{ up_to }}

    ),

    changed_contacts as (

        select
            contact_id,
            email
        from {{ ref('stg_salesforce__contacts') }}
        where _load_id > {{ up_to }}

    ),

    changed_ids as (

        select converted_contact_id as contact_id from changed_leads
        union
        select contact_id from changed_contacts

    ),

    changed_emails as (

        select email from changed_leads
        union
        select email from changed_contacts
        union
        select email from {{ ref('stg_salesforce__contacts') }}
        where contact_id in (select converted_contact_id from changed_leads)

    )

    select hubspot_contact_id from {{ ref('stg_hubspot__contacts') }}
    where _load_id > {{ up_to }}
        or salesforce_lead_id in (select lead_id from changed_leads)
        or salesforce_lead_id in (
            select merged.lead_id from {{ ref('stg_salesforce__leads') }} as merged
            where merged.master_record_id in (select lead_id from changed_leads)
        )
        or salesforce_contact_id in (select contact_id from changed_ids)
        or email in (select email from changed_emails)

    union

    select hubspot_contact_id from {{ this }}
    where lead_id in (select lead_id from changed_leads)
        or contact_id in (select contact_id from changed_contacts)
{%- endmacro %}
