{#- Warn only: HubSpot contacts listed in another's hs_merged_object_ids whose merges do not
    end within 8 links, a cycle of contacts listing each other (a sound export never holds
    one). int_hubspot_contacts_merged leaves them out: each is matched on its own. -#}
{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'int_hubspot_contacts_merged'}}}) }}

with

listed as (

    select
        hubspot_contact_id as listing_contact_id,
        {{ split_to_rows('merged_contact_ids', "';'") }} as listed_id
    from {{ ref('stg_hubspot__contacts') }}
    where merged_contact_ids is not null

),

listed_ids as (

    select
        {{ clean_text('listed_id') }} as merged_contact_id,
        listing_contact_id
    from listed

)

select
    listed_ids.merged_contact_id,
    listed_ids.listing_contact_id
from listed_ids
left join {{ ref('int_hubspot_contacts_merged') }} as merged
    on listed_ids.merged_contact_id = merged.merged_contact_id
where listed_ids.merged_contact_id <> listed_ids.listing_contact_id
    and merged.merged_contact_id is null
