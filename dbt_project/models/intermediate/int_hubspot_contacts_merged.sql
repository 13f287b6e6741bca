{#- HubSpot merges: one row per contact merged into another, with the contact that survived.
    The surviving contact's hs_merged_object_ids lists the contacts merged into it (HubSpot
    gives a merged record a new id and lists both old ones; a merge cannot be undone). A
    merged contact belongs to the surviving contact's journey (int_hubspot_contacts_matched),
    so its forms and e-mail events, exported under its old id and address, count there.

    A contact listed by several: the surviving contact that was not merged away itself, then
    the latest modified. A contact merged into one merged away later goes to the end of the
    chain (macros/merge_chains.sql). _load_id: the newest load of a surviving contact's
    version along the chain. -#}
{{ config(materialized='view') }}
with

listing_contacts as (

    select
        hubspot_contact_id,
        last_modified_at,
        merged_contact_ids,
        _load_id
    from {{ ref('stg_hubspot__contacts') }}
    where merged_contact_ids is not null

),

listed as (

    select
        hubspot_contact_id as surviving_contact_id,
        last_modified_at,
        _load_id,
        {{ split_to_rows('merged_contact_ids', "';'") }} as listed_id
    from listing_contacts

),

pairs as (

    select
        {{ clean_text('listed_id') }} as merged_contact_id,
        surviving_contact_id,
        last_modified_at,
        _load_id
    from listed

),

merged_away as (

    select distinct merged_contact_id
    from pairs

),

ranked as (

    select
        pairs.merged_contact_id,
        pairs.surviving_contact_id,
        pairs._load_id,
        row_number() over (
            partition by pairs.merged_contact_id
            order by
                case when merged_away.merged_contact_id is null then 0 else 1 end,
                pairs.last_modified_at desc nulls last,
                pairs.surviving_contact_id desc
        ) as survivor_rank
    from pairs
    left join merged_away
        on pairs.surviving_contact_id = merged_away.merged_contact_id
    where pairs.merged_contact_id is not null
        and pairs.merged_contact_id <> pairs.surviving_contact_id

),

merge_links as (

    select
        merged_contact_id as merged_id,
        surviving_contact_id as surviving_id,
        _load_id
    from ranked
    where survivor_rank = 1

),

{{ merge_chains() }}

select
    merged_id as merged_contact_id,
    surviving_id as surviving_contact_id,
    _load_id
from merge_chain_ends
