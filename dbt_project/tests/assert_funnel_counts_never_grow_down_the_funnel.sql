-- Per cohort, sourcing and channel, no stage holds more leads than the stage before it (a
-- handoff, the SRL, is an MQL first), the handed-over leads split into accepted, rejected and
-- pending, and every rate stays between 0 and 1.
with

monthly as (

    select * from {{ ref('fct_funnel_monthly') }}

),

final as (

    select
        cohort_month,
        sourced_by,
        channel
    from monthly
    where mqls > leads
        or handoffs > mqls
        or sals > leads
        or rejected > leads
        or handed_over_accepted > handoffs
        or handed_over_accepted > sals
        or handed_over_accepted + handed_over_rejected + handed_over_pending <> handoffs
        or sqls > sals
        or opportunities > sqls
        or won + lost > opportunities
        or mql_rate not between 0 and 1
        or srl_rate not between 0 and 1
        or acceptance_rate not between 0 and 1
        or handoff_rejection_rate not between 0 and 1
        or handoff_pending_rate not between 0 and 1
        or sql_rate not between 0 and 1
        or opportunity_rate not between 0 and 1
        or win_rate not between 0 and 1
        or lead_to_won_rate not between 0 and 1

)

select * from final
