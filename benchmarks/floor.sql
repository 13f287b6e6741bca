-- The floor: the core funnel (scoring, stage dates, monthly cohort counts) as one hand-written
-- DuckDB script over the same raw tables, contract tables and reference seeds the dbt project
-- reads. It keeps the work that defines the funnel and drops what a product needs around it:
-- one lead definition version (the current one), Salesforce leads only (HubSpot contacts only
-- as touch carriers, matched by e-mail), no SRL, no recycle, no drift, no tests, DuckDB's own
-- RANGE window. benchmarks/run.py times it against dbt's funnel models (docs/performance.md).
-- It runs in a scratch database with the warehouse attached read-only as `w`.

create or replace table version as
select * from w.contract.lead_definition_versions where is_current;

create or replace table leads as
select
    id as lead_id,
    lower(trim(email)) as email,
    created_date,
    title,
    industry,
    number_of_employees,
    status
from w.raw.salesforce__lead
where not coalesce(is_deleted, false)
qualify row_number() over (
    partition by id order by system_modstamp desc nulls last, _load_id desc, _row desc) = 1;

create or replace table contacts as
select id as contact_id, lower(trim(email)) as email
from w.raw.hubspot__contacts
qualify row_number() over (partition by id order by _load_id desc, _row desc) = 1;

create or replace table touches as
with forms as (
    select contacts.email, forms.submitted_at as touched_at,
           coalesce(map.touch_type, 'form_submission') as touch_type
    from w.raw.hubspot__form_submissions as forms
    join contacts on forms.contact_id = contacts.contact_id
    left join w.reference.form_touch_map as map on forms.form_id = map.form_id
),
emails as (
    select lower(trim(recipient)) as email, created as touched_at,
           case upper(type) when 'OPEN' then 'email_open' else 'email_click' end as touch_type
    from w.raw.hubspot__email_events
    where upper(type) in ('OPEN', 'CLICK')
    qualify row_number() over (partition by id order by _load_id desc, _row desc) = 1
),
campaigns as (
    select leads.email, cast(members.first_responded_date as timestamp) as touched_at,
           map.touch_type
    from w.raw.salesforce__campaign_member as members
    join leads on members.lead_id = leads.lead_id
    join w.raw.salesforce__campaign as campaign on members.campaign_id = campaign.id
    join w.reference.campaign_touch_map as map on campaign.type = map.campaign_type
    where members.has_responded and members.first_responded_date is not null
)
select leads.lead_id, touched.touched_at, touched.touch_type
from (select * from forms union all select * from emails union all select * from campaigns)
    as touched
join leads on touched.email = leads.email;

create or replace table fit as
select
    leads.lead_id,
    coalesce(leads.number_of_employees >= version.min_employees, false)
        and lower(coalesce(leads.industry, '')) not in (
            select value from w.contract.lead_definition_values
            where list_name = 'industry_excluded')
        and coalesce((
            select arg_min(map.seniority, map.priority)
            from w.reference.title_seniority_map as map
            where regexp_matches(lower(leads.title), '\b' || map.keyword || '\b')
        ), 'individual') in (
            select value from w.contract.lead_definition_values where list_name = 'seniority')
        as passes_fit
from leads, version;

create or replace table scored as
select lead_id, min(touched_at) as mql_at
from (
    select
        touches.lead_id,
        touches.touched_at,
        sum(coalesce(points.points, 0)) over (
            partition by touches.lead_id order by touches.touched_at
            range between to_days(cast(version.scoring_window_days as integer)) preceding
                and current row) as score,
        version.mql_threshold
    from touches
    cross join version
    left join w.contract.lead_definition_points as points
        on points.version = version.version and points.touch_type = touches.touch_type
)
where score >= mql_threshold
group by lead_id;

create or replace table stage_dates as
select
    history.lead_id,
    min(history.created_date) filter (where map.funnel_stage in ('accepted', 'qualified', 'converted'))
        as sal_at,
    min(history.created_date) filter (where map.funnel_stage in ('qualified', 'converted'))
        as sql_at,
    min(history.created_date) filter (where map.funnel_stage = 'rejected') as rejected_at
from w.raw.salesforce__lead_history as history
join w.reference.lead_status_map as map on history.new_value = map.lead_status
where lower(history.field) = 'status'
group by history.lead_id;

create or replace table funnel as
select
    leads.lead_id,
    leads.created_date,
    case when fit.passes_fit then scored.mql_at end as mql_at,
    stage_dates.sal_at,
    stage_dates.sql_at,
    stage_dates.rejected_at
from leads
join fit using (lead_id)
left join scored using (lead_id)
left join stage_dates using (lead_id);

create or replace table funnel_monthly as
select
    date_trunc('month', created_date) as cohort_month,
    count(*) as leads,
    count(mql_at) as mqls,
    count(sal_at) as sals,
    count(rejected_at) as rejected,
    count(sql_at) as sqls
from funnel
group by 1;
