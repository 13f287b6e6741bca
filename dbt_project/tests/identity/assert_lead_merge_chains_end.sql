{#- Warn only: leads merged into another (deleted, MasterRecordId) whose merges do not end
    within 8 links, a cycle in the export's MasterRecordId values (a sound export never holds
    one). int_salesforce_leads_merged leaves them out: a HubSpot contact synced to one of them
    is matched by its other evidence. -#}
{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'int_salesforce_leads_merged'}}}) }}

select
    leads.lead_id,
    leads.master_record_id
from {{ ref('stg_salesforce__leads') }} as leads
left join {{ ref('int_salesforce_leads_merged') }} as merged
    on leads.lead_id = merged.merged_lead_id
where leads.is_deleted
    and leads.master_record_id is not null
    and leads.master_record_id <> leads.lead_id
    and merged.merged_lead_id is null
