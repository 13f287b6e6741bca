{#- The data's "as of" moment: the latest event the exports record, so that every KPI that
    depends on "now" (pending handoffs, an SLA not yet due, the nurture pool, the current
    month) is deterministic for a given set of files. Event times only: lead creation and
    status stages, marketing touches, logged sales activities and opportunity creation.
    Close dates, campaign dates and ad-spend days are left out (a close date or a campaign end
    may be set in the future). Events dated after the newest load are left out too: no
    export holds what had not happened when it was loaded, and one CreatedDate typed as 2099
    would move "now" with it (tests/kpi/assert_records_fall_within_the_reported_months lists
    such records). -#}

with

funnel as {{ not_materialized() }} (

    select * from {{ ref('fct_lead_funnel') }}

),

touches as (

    select * from {{ ref('int_touches_unioned') }}

),

sales_touches as (

    select * from {{ ref('int_sales_touches_unioned') }}

),

opportunities as (

    select * from {{ ref('fct_opportunities') }}

),

loads as (

    select max(loaded_at) as loaded_up_to
    from {{ source('landing', 'load_manifest') }}

),

{%- set event_times = [
    ('funnel', 'created_at'), ('funnel', funnel_handoff_column()), ('funnel', 'sal_at'),
    ('funnel', 'rejected_at'), ('funnel', 'disqualified_at'), ('funnel', 'recycled_at'),
    ('funnel', 'sql_at'), ('touches', 'touched_at'), ('sales_touches', 'touched_at'),
    ('opportunities', 'created_at'),
] %}

moments as (
    {%- for relation, column in event_times %}
    {%- if not loop.first %}
    union all
    {%- endif %}
    select max({{ column }}) as moment
    from {{ relation }}
    where {{ column }} <= (select loads.loaded_up_to from loads)
    {%- endfor %}

),

final as (

    select max(moment) as as_of_at
    from moments

)

select * from final
