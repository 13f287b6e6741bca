{#- The data's "as of" moment: the latest event the exports record, so that every KPI that
    depends on "now" (pending handoffs, an SLA not yet due, the nurture pool, the current
    month) is deterministic for a given set of files. Event times only: lead creation and
    status stages, marketing touches, logged sales activities and opportunity creation.
    Close dates, campaign dates and ad-spend days are left out (a close date or a campaign end
    may be set in the future). -#}

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

moments as (

    select max(created_at) as moment from funnel
    union all
    select max({{ funnel_handoff_column() }}) from funnel
    union all
    select max(sal_at) from funnel
    union all
    select max(rejected_at) from funnel
    union all
    select max(disqualified_at) from funnel
    union all
    select max(recycled_at) from funnel
    union all
    select max(sql_at) from funnel
    union all
    select max(touched_at) from touches
    union all
    select max(touched_at) from sales_touches
    union all
    select max(created_at) from opportunities

),

final as (

    select max(moment) as as_of_at
    from moments

)

select * from final
