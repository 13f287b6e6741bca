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
        contact; a lead along the merges of the contact's merged-away lead, or the lead they
        end at);
      - one whose old version the match found and used: the contact's row here then names
        that lead or Salesforce contact (lead_id, contact_id), whatever the new version says;
      - a contact whose new version lists contacts merged into it: those contacts.
    A contact merged into another takes the surviving contact's match, so the two are matched
    again together: with each contact so found, the contact it was merged into (by the merges
    now, int_hubspot_contacts_merged, and by its row here) and every contact merged into that
    one (now, and by their rows here: one no longer merged into it is matched on its own).
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

    ),

    -- the contacts a newer load may have matched otherwise
    found_contacts as (

        select hubspot_contact_id from {{ ref('stg_hubspot__contacts') }}
        where _load_id > {{ up_to }}
            or salesforce_lead_id in (select lead_id from changed_leads)
            or salesforce_lead_id in (
                select merged_lead_id from {{ ref('int_salesforce_leads_merged') }}
                where _load_id > {{ up_to }}
                    or surviving_lead_id in (select lead_id from changed_leads)
            )
            or salesforce_contact_id in (select contact_id from changed_ids)
            or email in (select email from changed_emails)

        union

        select hubspot_contact_id from {{ this }}
        where lead_id in (select lead_id from changed_leads)
            or contact_id in (select contact_id from changed_contacts)

        union

        select merged_contact_id from {{ ref('int_hubspot_contacts_merged') }}
        where _load_id > {{ up_to }}

    ),

    contact_merges as (

        select merged_contact_id, surviving_contact_id
        from {{ ref('int_hubspot_contacts_merged') }}
        union all
        select hubspot_contact_id, merged_into_contact_id from {{ this }}
        where merged_into_contact_id is not null

    ),

    survivors as (

        select surviving_contact_id from contact_merges
        where merged_contact_id in (select hubspot_contact_id from found_contacts)
            or surviving_contact_id in (select hubspot_contact_id from found_contacts)

    )

    select hubspot_contact_id from found_contacts
    union
    select surviving_contact_id from survivors
    union
    select merged_contact_id from contact_merges
    where surviving_contact_id in (select surviving_contact_id from survivors)
{%- endmacro %}
