{#- The buying group of each opportunity: the contacts with a role on it
    (OpportunityContactRole), which roles they cover against the roles a complete group needs
    (seeds/required_buying_roles.csv), and how many of them marketing had engaged before the
    opportunity opened (a touch of a lead journey converted to that contact, before the
    opportunity was created). -#}

with

opportunities as {{ not_materialized() }} (

    select * from {{ ref('fct_opportunities') }}

),

contact_roles as (

    select * from {{ ref('stg_salesforce__opportunity_contact_roles') }}
    where not is_deleted

),

required_roles as (

    select * from {{ ref('required_buying_roles') }}

),

journeys as (

    select * from {{ ref('int_journeys_identified') }}

),

touches as (

    select * from {{ ref('int_touches_unioned') }}

),

required_role_keys as (

    select distinct
        {{ picklist_key('contact_role') }} as role_key,
        trim(contact_role) as contact_role
    from required_roles
    where contact_role is not null

),

roles as (

    select distinct
        opportunity_id,
        contact_id,
        contact_role,
        {{ picklist_key('contact_role') }} as role_key
    from contact_roles
    where contact_id is not null

),

-- one row per role held, however it is spelled: a required role as the seed spells it
distinct_roles as (

    select
        roles.opportunity_id,
        roles.role_key,
        coalesce(max(required_role_keys.contact_role), min(roles.contact_role)) as contact_role
    from roles
    left join required_role_keys
        on roles.role_key = required_role_keys.role_key
    where roles.contact_role is not null
    group by
        roles.opportunity_id,
        roles.role_key

),

roles_covered as (

    select
        opportunity_id,
        {{ dbt.listagg('contact_role', "', '", 'order by contact_role') }} as roles_covered
    from distinct_roles
    group by opportunity_id

),

contacts as (

    select
        opportunity_id,
        count(distinct contact_id) as contacts_with_role
    from roles
    group by opportunity_id

),

-- required roles each opportunity covers, and the ones it misses
required_by_opportunity as (

    select
        opportunities.opportunity_id,
        required_role_keys.contact_role,
        max(case when distinct_roles.role_key is not null then 1 else 0 end) as is_covered
    from opportunities
    cross join required_role_keys
    left join distinct_roles
        on opportunities.opportunity_id = distinct_roles.opportunity_id
            and required_role_keys.role_key = distinct_roles.role_key
    group by
        opportunities.opportunity_id,
        required_role_keys.contact_role

),

required_coverage as (

    select
        opportunity_id,
        count(*) as required_roles,
        sum(is_covered) as required_roles_covered
    from required_by_opportunity
    group by opportunity_id

),

missing_roles as (

    select
        opportunity_id,
        {{ dbt.listagg('contact_role', "', '", 'order by contact_role') }} as required_roles_missing
    from required_by_opportunity
    where is_covered = 0
    group by opportunity_id

),

-- role contacts marketing touched (through a lead converted to the contact) before the
-- opportunity was created
engaged as (

    select
        roles.opportunity_id,
        count(distinct roles.contact_id) as contacts_engaged_before_opportunity
    from roles
    inner join opportunities
        on roles.opportunity_id = opportunities.opportunity_id
    inner join journeys
        on roles.contact_id = journeys.contact_id
    inner join touches
        on journeys.journey_id = touches.journey_id
            and opportunities.created_at > touches.touched_at
    group by roles.opportunity_id

),

final as (

    select
        opportunities.opportunity_id,
        opportunities.account_id,
        opportunities.created_at,
        opportunities.stage_category,
        opportunities.amount,
        opportunities.amount_converted,
        opportunities.is_won,
        coalesce(contacts.contacts_with_role, 0) as contacts_with_role,
        roles_covered.roles_covered,
        coalesce(required_coverage.required_roles, 0) as required_roles,
        coalesce(required_coverage.required_roles_covered, 0) as required_roles_covered,
        missing_roles.required_roles_missing,
        {{ safe_divide(
            'required_coverage.required_roles_covered',
            'required_coverage.required_roles',
        ) }} as role_coverage_ratio,
        coalesce(engaged.contacts_engaged_before_opportunity, 0) as contacts_engaged_before_opportunity,
        {{ safe_divide(
            'coalesce(engaged.contacts_engaged_before_opportunity, 0)',
            'contacts.contacts_with_role',
        ) }} as engaged_contact_share
    from opportunities
    left join contacts
        on opportunities.opportunity_id = contacts.opportunity_id
    left join roles_covered
        on opportunities.opportunity_id = roles_covered.opportunity_id
    left join required_coverage
        on opportunities.opportunity_id = required_coverage.opportunity_id
    left join missing_roles
        on opportunities.opportunity_id = missing_roles.opportunity_id
    left join engaged
        on opportunities.opportunity_id = engaged.opportunity_id

)

select * from final
