-- Every Salesforce lead that is not deleted is exactly one journey of the funnel, and no
-- deleted lead is.
with

leads as (

    select * from {{ ref('stg_salesforce__leads') }}

),

funnel as (

    select * from {{ ref('fct_lead_funnel') }}
    where journey_type = 'salesforce_lead'

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
