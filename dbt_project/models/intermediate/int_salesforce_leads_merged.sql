{#- Salesforce lead merges: one row per lead merged into another, with the lead its merges end
    at. A merge deletes the losing lead and names the lead it was merged into (MasterRecordId);
    a lead merged into one merged away later keeps that MasterRecordId, so the chain is
    followed to its end (macros/merge_chains.sql). A HubSpot contact still synced to a merged
    lead belongs to the surviving lead's journey (int_hubspot_contacts_matched).

    _load_id: the newest load of a lead along the chain. -#}
{{ config(materialized='view') }}
with

merge_links as (

    select
        lead_id as merged_id,
        master_record_id as surviving_id,
        _load_id
    from {{ ref('stg_salesforce__leads') }}
    where is_deleted and master_record_id is not null

),

{{ merge_chains() }}

select
    merged_id as merged_lead_id,
    surviving_id as surviving_lead_id,
    _load_id
from merge_chain_ends
