{#- Each opportunity with its stage category (opportunity_stage_map) and when it was won or
    lost: its close date (the sales convention: bookings count on the close date), else the
    first OpportunityHistory change into a stage of that category. Won and lost follow
    Salesforce's IsWon / IsClosed flags; the stage map only names stages.

    Its amount in the reporting currency, at one rate for the opportunity's pipeline and its
    win: that of its close date's month (the created month without one), as Salesforce's dated
    exchange rates convert opportunities; null when the currency has no rate.

    _seen_up_to: the newest load in raw when the row was written (macros/diffed_table.sql). -#}
{{ config(materialized=diffed_table()) }}
with

newest_load as (

    {{ newest_load() }}

),

-- a close date is a calendar date: its own month, not shifted by the time zone
opportunities as (

    select
        *,
        coalesce(
            cast({{ dbt.date_trunc('month', 'close_date') }} as date),
            {{ reporting_month('created_at') }}
        ) as rate_month
    from {{ ref('stg_salesforce__opportunities') }}
    where not is_deleted

),

opportunity_history as (

    select * from {{ ref('stg_salesforce__opportunity_history') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_ranged') }}

),

opportunity_stage_map as {{ not_materialized() }} (

    select * from {{ ref('opportunity_stage_map') }}

),

history_dates as (

    select
        opportunity_history.opportunity_id,
        min(
            case when opportunity_stage_map.stage_category = 'won' then opportunity_history.changed_at end
        ) as first_won_at,
        min(
            case when opportunity_stage_map.stage_category = 'lost' then opportunity_history.changed_at end
        ) as first_lost_at
    from opportunity_history
    inner join opportunity_stage_map
        on {{ picklist_key('opportunity_history.stage_name') }} = {{ picklist_key('opportunity_stage_map.stage_name') }}
    group by opportunity_history.opportunity_id

),

final as (

    select
        opportunities.opportunity_id,
        coalesce(opportunity_stage_map.stage_category, 'unmapped') as stage_category,
        opportunity_stage_map.stage_order,
        case
            when opportunities.is_won
                then coalesce(cast(opportunities.close_date as {{ dbt.type_timestamp() }}), history_dates.first_won_at)
        end as won_at,
        case
            when opportunities.is_closed and not opportunities.is_won
                then coalesce(cast(opportunities.close_date as {{ dbt.type_timestamp() }}), history_dates.first_lost_at)
        end as lost_at,
        {{ to_reporting_currency('opportunities.amount', 'opportunities.currency_iso_code', 'fx_rates.rate_to_reporting') }} as amount_converted,
        newest_load.load_id as _seen_up_to
    from opportunities
    left join opportunity_stage_map
        on {{ picklist_key('opportunities.stage_name') }} = {{ picklist_key('opportunity_stage_map.stage_name') }}
    left join history_dates
        on opportunities.opportunity_id = history_dates.opportunity_id
    left join fx_rates
        on upper(trim(opportunities.currency_iso_code)) = fx_rates.currency
            and opportunities.rate_month >= fx_rates.valid_from
            and opportunities.rate_month < fx_rates.valid_to
    cross join newest_load

)

select * from final
