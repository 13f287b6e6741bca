{#- Scoring touches of every journey, one row per touch: HubSpot form submissions, HubSpot
    e-mail opens and clicks, and responses to Salesforce campaigns. -#}
with

journeys as (

    select * from {{ ref('int_journeys_identified') }}

),

hubspot_contacts as (

    select * from {{ ref('int_hubspot_contacts_matched') }}

),

form_submissions as (

    select * from {{ ref('stg_hubspot__form_submissions') }}

),

email_events as (

    select * from {{ ref('stg_hubspot__email_events') }}

),

campaign_members as (

    select * from {{ ref('stg_salesforce__campaign_members') }}

),

campaigns as (

    select * from {{ ref('stg_salesforce__campaigns') }}

),

form_touch_map as (

    select * from {{ ref('form_touch_map') }}

),

campaign_touch_map as (

    select * from {{ ref('campaign_touch_map') }}

),

-- an e-mail address belongs to one journey: that of the HubSpot contact with the address,
-- else that of the latest created lead with it
email_addresses as (

    select
        email,
        journey_id,
        created_at,
        1 as email_priority
    from hubspot_contacts
    where journey_id is not null and email is not null

    union all

    select
        email,
        journey_id,
        created_at,
        2 as email_priority
    from journeys
    where journey_type = 'salesforce_lead' and email is not null

),

email_journeys as (

    select
        email,
        journey_id,
        row_number() over (
            partition by email
            order by email_priority asc, created_at desc, journey_id asc
        ) as journey_rank
    from email_addresses

),

-- a campaign member on a contact reaches the journey of the lead converted to that contact
contact_journeys as (

    select
        contact_id,
        journey_id,
        row_number() over (
            partition by contact_id
            order by converted_date desc nulls last, created_at desc, journey_id desc
        ) as journey_rank
    from journeys
    where contact_id is not null

),

form_touches as (

    select
        {{ dbt.concat(["'hubspot_form:'", "form_submissions.form_submission_id"]) }} as touch_id,
        hubspot_contacts.journey_id,
        form_submissions.submitted_at as touched_at,
        coalesce(form_touch_map.touch_type, '{{ var("default_form_touch_type") }}') as touch_type,
        'hubspot_form' as touch_source,
        form_submissions.form_id as touch_detail
    from form_submissions
    inner join hubspot_contacts
        on form_submissions.hubspot_contact_id = hubspot_contacts.hubspot_contact_id
    left join form_touch_map
        on {{ picklist_key('form_submissions.form_id') }} = {{ picklist_key('form_touch_map.form_id') }}
    where hubspot_contacts.journey_id is not null

),

email_touches as (

    select
        {{ dbt.concat(["'hubspot_email:'", "email_events.email_event_id"]) }} as touch_id,
        email_journeys.journey_id,
        email_events.occurred_at as touched_at,
        {{ email_event_touch_type('email_events.event_type') }} as touch_type,
        'hubspot_email' as touch_source,
        email_events.email_campaign_id as touch_detail
    from email_events
    inner join email_journeys
        on email_events.recipient_email = email_journeys.email
            and email_journeys.journey_rank = 1
    where email_events.event_type in ({{ sql_values(email_event_touch_types()) }})

),

campaign_touches as (

    select
        {{ dbt.concat(["'salesforce_campaign:'", "campaign_members.campaign_member_id"]) }} as touch_id,
        coalesce(lead_journeys.journey_id, contact_journeys.journey_id) as journey_id,
        coalesce(
            cast(campaign_members.first_responded_date as {{ dbt.type_timestamp() }}),
            campaign_members.created_at
        ) as touched_at,
        coalesce(campaign_touch_map.touch_type, 'unmapped') as touch_type,
        'salesforce_campaign' as touch_source,
        campaign_members.campaign_id as touch_detail
    from campaign_members
    left join journeys as lead_journeys
        on campaign_members.lead_id = lead_journeys.lead_id
    left join contact_journeys
        on campaign_members.contact_id = contact_journeys.contact_id
            and contact_journeys.journey_rank = 1
    left join campaigns
        on campaign_members.campaign_id = campaigns.campaign_id
    left join campaign_touch_map
        on {{ picklist_key('campaigns.campaign_type') }} = {{ picklist_key('campaign_touch_map.campaign_type') }}
    where campaign_members.has_responded
        and coalesce(lead_journeys.journey_id, contact_journeys.journey_id) is not null

),

touches as (

    select * from form_touches
    union all
    select * from email_touches
    union all
    select * from campaign_touches

),

final as (

    select * from touches
    where touched_at is not null

)

select * from final
