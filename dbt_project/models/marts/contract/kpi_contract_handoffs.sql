{#- Sales' side of the KPI contract, per handed-over lead: how long it waited to be worked
    (a first sales touch, or a decision to accept or reject it; up to the as-of moment when
    neither came yet) beside the longest wait the version that judged the handoff allows, and
    how it was dispositioned. The owner's name is
    here so that a breach names who must act. -#}

with

handoffs as (

    select * from {{ ref('fct_lead_handoff') }}

),

owners as (

    select * from {{ ref('dim_owner') }}

),

versions as (

    select * from {{ ref('int_lead_definitions_in_force') }}

),

worked as (

    select
        *,
        -- an acceptance before the handoff (a lead accepted, rejected, handed over again)
        -- worked an earlier handoff, not this one
        least(
            coalesce(first_sales_touch_at, as_of_at),
            coalesce(rejected_at, as_of_at),
            case when accepted_at >= handed_over_at then accepted_at else as_of_at end
        ) as worked_at
    from handoffs

),

final as (

    select
        handoffs.journey_id,
        handoffs.lead_id,
        handoffs.sourced_by,
        handoffs.owner_id,
        owners.owner_name,
        handoffs.handoff_month,
        handoffs.handed_over_at,
        handoffs.definition_version,
        handoffs.first_sales_touch_at,
        -- a double, not a decimal: Spark would round a decimal quotient to 6 places
        cast({{ dbt.datediff('handoffs.handed_over_at', 'worked_at', 'second') }} as {{ type_double() }})
            / 86400 as days_unworked,
        versions.max_days_unworked,
        handoffs.outcome,
        handoffs.rejection_reason,
        handoffs.disposition_due_at,
        handoffs.as_of_at
    from worked as handoffs
    left join owners
        on handoffs.owner_id = owners.owner_id
    left join versions
        on handoffs.definition_version = versions.definition_version

)

select * from final
