{#- Warn only: campaign keys of touches that no campaign_map row, ad campaign, Salesforce
    campaign or HubSpot e-mail knows. Their touches count under campaign `unmapped`; add a
    row to seeds/campaign_map.csv to give them a campaign. -#}
{{ config(severity='warn') }}

select
    source_system,
    source_campaign_key,
    count(*) as touches
from {{ ref('fct_touchpoints') }}
where campaign_key = 'unmapped'
group by source_system, source_campaign_key
