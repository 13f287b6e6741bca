{#- Sales touches, one row per lead journey and Salesforce activity: a Task or an Event owned
    by a sales user (dim_owner.is_sales), on the lead (WhoId = the lead) or on the contact the
    lead was converted to. A Task is dated when it was logged (created_at; its ActivityDate
    has no time); an Event at the first of its creation and its start (a meeting booked
    ahead was a contact when it was booked). Activities of marketing, partner or other users
    are not sales touches.

    _seen_up_to: the newest load in raw when the row was written (macros/diffed_table.sql). -#}
{{ config(materialized=diffed_table()) }}

with

newest_load as (

    {{ newest_load() }}

),

journeys as {{ not_materialized() }} (

    select * from {{ ref('int_journeys_identified') }}
    where journey_type = 'salesforce_lead'

),

tasks as (

    select * from {{ ref('stg_salesforce__tasks') }}

),

events as (

    select * from {{ ref('stg_salesforce__events') }}

),

owners as (

    select * from {{ ref('dim_owner') }}

),

activities as (

    select
        task_id as activity_id,
        'task' as activity_type,
        who_id,
        owner_id,
        created_at as touched_at
    from tasks

    union all

    select
        event_id as activity_id,
        'event' as activity_type,
        who_id,
        owner_id,
        {{ least_not_null(['created_at', 'activity_at']) }} as touched_at
    from events

),

sales_activities as (

    select activities.*
    from activities
    inner join owners
        on activities.owner_id = owners.owner_id
    where owners.is_sales
        and activities.who_id is not null
        and activities.touched_at is not null

),

on_leads as (

    select
        journeys.journey_id,
        sales_activities.activity_id,
        sales_activities.activity_type,
        sales_activities.owner_id,
        sales_activities.touched_at,
        'lead' as touched_record
    from sales_activities
    inner join journeys
        on sales_activities.who_id = journeys.lead_id

),

on_contacts as (

    select
        journeys.journey_id,
        sales_activities.activity_id,
        sales_activities.activity_type,
        sales_activities.owner_id,
        sales_activities.touched_at,
        'contact' as touched_record
    from sales_activities
    inner join journeys
        on sales_activities.who_id = journeys.contact_id

),

touches as (

    select * from on_leads
    union all
    select * from on_contacts

),

final as (

    select
        touches.*,
        newest_load.load_id as _seen_up_to
    from touches
    cross join newest_load

)

select * from final
