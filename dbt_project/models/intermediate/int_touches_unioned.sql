{#- Scoring touches of every journey, one row per touch: HubSpot form submissions, HubSpot
    e-mail opens and clicks, and responses to Salesforce campaigns. Attribution's touchpoints
    (int_touchpoints_unioned) take from here, too, a form's UTM parameters and an e-mail
    event's type: read once per touch, where the record is read anyway, rather than joined
    back to the submissions and e-mail events by every build (docs/performance.md, session 19).

    Incremental (macros/incremental.sql). A touch changes when its source record comes in a
    newer load, when its campaign does, or when the key that finds its journey (identity_key:
    the HubSpot contact, the e-mail address, the lead or the contact) resolves to another
    journey than before, e.g. a new lead takes over an address (int_identity_journeys keeps
    each key's journey and when it last changed). An incremental build recomputes those
    touches only; one that no longer qualifies is written as a retired row
    (touched_at null, no journey) that replaces the old one and is then deleted. The
    journeys whose touches went (retired, or moved to another journey) are recorded in
    intermediate.int_touches_unioned__gone (gone_key, macros/gone_rows.sql): with the marks,
    they tell scoring which journeys' touches changed.

    _seen_up_to: the newest load in raw when the row was written. The newest load a build saw
    is the mark of what the next one must read again, and it is not the largest _load_id of
    the touches: a build whose newest loads make no touch (other objects' files) would leave
    every key changed by that build looking new to the next one, which then read and wrote
    every touch again (192.7 s at 10M leads, session 14). -#}
{{ config(
    materialized=incremental_fact(),
    unique_key='touch_id',
    incremental_strategy='delete_insert_recording_gone_keys',
    gone_key='journey_id',
    post_hook=[
        "{% if is_incremental() %}delete from {{ this }} where touched_at is null{% endif %}",
        "{{ gone_rows_emptied_by_a_full_build() }}",
    ],
) }}

with

campaigns as (

    select * from {{ ref('stg_salesforce__campaigns') }}

),

form_touch_map as (

    select * from {{ ref('form_touch_map') }}

),

campaign_touch_map as (

    select * from {{ ref('campaign_touch_map') }}

),

-- the journey each key finds now (int_identity_journeys)
identities as (

    select * from {{ ref('int_identity_journeys') }}
    where journey_id is not null

),

{%- if is_incremental() %}

-- keys whose journey changed after this model's newest load: moved, new or gone
moved_identities as (

    select
        identity_type,
        identity_value
    from {{ ref('int_identity_journeys') }}
    where changed_after_load > {{ loaded_up_to('_seen_up_to') }}

),

{%- endif %}

form_submissions as (

    select * from {{ ref('stg_hubspot__form_submissions') }}
    {%- if is_incremental() %}
    where _load_id > {{ loaded_up_to('_seen_up_to') }}
        or hubspot_contact_id in (
            select moved_identities.identity_value from moved_identities
            where moved_identities.identity_type = 'hubspot_contact'
        )
    {%- endif %}

),

email_events as (

    select * from {{ ref('stg_hubspot__email_events') }}
    {%- if is_incremental() %}
    where _load_id > {{ loaded_up_to('_seen_up_to') }}
        or recipient_email in (
            select moved_identities.identity_value from moved_identities
            where moved_identities.identity_type = 'email'
        )
    {%- endif %}

),

campaign_members as (

    select * from {{ ref('stg_salesforce__campaign_members') }}
    {%- if is_incremental() %}
    where _load_id > {{ loaded_up_to('_seen_up_to') }}
        or campaign_id in (
            select campaigns.campaign_id from campaigns
            where campaigns._load_id > {{ loaded_up_to('_seen_up_to') }}
        )
        or lead_id in (
            select moved_identities.identity_value from moved_identities
            where moved_identities.identity_type = 'lead'
        )
        or contact_id in (
            select moved_identities.identity_value from moved_identities
            where moved_identities.identity_type = 'contact'
        )
    {%- endif %}

),

form_touches as (

    select
        {{ dbt.concat(["'hubspot_form:'", "form_submissions.form_submission_id"]) }} as touch_id,
        contact_identities.journey_id,
        form_submissions.submitted_at as touched_at,
        coalesce(form_touch_map.touch_type, '{{ var("default_form_touch_type") }}') as touch_type,
        'hubspot_form' as touch_source,
        form_submissions.form_id as touch_detail,
        {{ dbt.concat(["'hubspot_contact:'", "form_submissions.hubspot_contact_id"]) }} as identity_key,
        {{ url_query_parameter('form_submissions.page_url', 'utm_source') }} as utm_source,
        {{ url_query_parameter('form_submissions.page_url', 'utm_medium') }} as utm_medium,
        {{ url_query_parameter('form_submissions.page_url', 'utm_campaign') }} as utm_campaign,
        cast(null as {{ dbt.type_string() }}) as email_event_type,
        form_submissions._load_id
    from form_submissions
    inner join identities as contact_identities
        on contact_identities.identity_type = 'hubspot_contact'
            and form_submissions.hubspot_contact_id = contact_identities.identity_value
    left join form_touch_map
        on {{ picklist_key('form_submissions.form_id') }} = {{ picklist_key('form_touch_map.form_id') }}

),

email_touches as (

    select
        {{ dbt.concat(["'hubspot_email:'", "email_events.email_event_id"]) }} as touch_id,
        email_identities.journey_id,
        email_events.occurred_at as touched_at,
        {{ email_event_touch_type('email_events.event_type') }} as touch_type,
        'hubspot_email' as touch_source,
        email_events.email_campaign_id as touch_detail,
        {{ dbt.concat(["'email:'", "email_events.recipient_email"]) }} as identity_key,
        cast(null as {{ dbt.type_string() }}) as utm_source,
        cast(null as {{ dbt.type_string() }}) as utm_medium,
        cast(null as {{ dbt.type_string() }}) as utm_campaign,
        email_events.event_type as email_event_type,
        email_events._load_id
    from email_events
    inner join identities as email_identities
        on email_identities.identity_type = 'email'
            and email_events.recipient_email = email_identities.identity_value
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
        campaign_members.campaign_id as touch_detail,
        case
            when lead_journeys.journey_id is not null
                then {{ dbt.concat(["'lead:'", "campaign_members.lead_id"]) }}
            else {{ dbt.concat(["'contact:'", "campaign_members.contact_id"]) }}
        end as identity_key,
        cast(null as {{ dbt.type_string() }}) as utm_source,
        cast(null as {{ dbt.type_string() }}) as utm_medium,
        cast(null as {{ dbt.type_string() }}) as utm_campaign,
        cast(null as {{ dbt.type_string() }}) as email_event_type,
        campaign_members._load_id
    from campaign_members
    left join identities as lead_journeys
        on lead_journeys.identity_type = 'lead'
            and campaign_members.lead_id = lead_journeys.identity_value
    left join identities as contact_journeys
        on contact_journeys.identity_type = 'contact'
            and campaign_members.contact_id = contact_journeys.identity_value
    left join campaigns
        on campaign_members.campaign_id = campaigns.campaign_id
    left join campaign_touch_map
        on {{ picklist_key('campaigns.campaign_type') }} = {{ picklist_key('campaign_touch_map.campaign_type') }}
    where campaign_members.has_responded
        and not campaign_members.is_deleted
        and coalesce(lead_journeys.journey_id, contact_journeys.journey_id) is not null

),

touches as (

    select * from form_touches
    union all
    select * from email_touches
    union all
    select * from campaign_touches

),

{%- if is_incremental() %}

-- every source record read again, by the touch it made or would make
reread_touch_ids as (

    select {{ dbt.concat(["'hubspot_form:'", "form_submission_id"]) }} as touch_id
    from form_submissions
    union all
    select {{ dbt.concat(["'hubspot_email:'", "email_event_id"]) }} as touch_id
    from email_events
    union all
    select {{ dbt.concat(["'salesforce_campaign:'", "campaign_member_id"]) }} as touch_id
    from campaign_members

),

{%- endif %}

touch_rows as (

    select * from touches
    where touched_at is not null

    {%- if is_incremental() %}

    union all

    -- built touches whose record no longer makes one: retired (replaced, then deleted; no
    -- journey, so that the journey it left is recorded gone)
    select
        built.touch_id,
        cast(null as {{ dbt.type_string() }}) as journey_id,
        cast(null as {{ dbt.type_timestamp() }}) as touched_at,
        built.touch_type,
        built.touch_source,
        built.touch_detail,
        built.identity_key,
        built.utm_source,
        built.utm_medium,
        built.utm_campaign,
        built.email_event_type,
        built._load_id
    from {{ this }} as built
    inner join reread_touch_ids
        on built.touch_id = reread_touch_ids.touch_id
    where built.touch_id not in (
        select touches.touch_id from touches
        where touches.touched_at is not null
    )

    {%- endif %}

),

newest_load as (

    {{ newest_load() }}

),

final as (

    select
        touch_rows.*,
        newest_load.load_id as _seen_up_to
    from touch_rows
    cross join newest_load

)

select * from final
