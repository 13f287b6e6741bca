{#- Incremental (macros/incremental.sql): at 10M leads it holds ~0.8M rows, and several models
    (and the incremental builds' lists of what changed) read it: as a view every read ranked
    all of them again. A refresh re-ranks only the records a new load brought. -#}
{{ config(materialized=incremental_fact(), unique_key='opportunity_id') }}

with latest as (

    {{ latest_versions(source('salesforce', 'opportunity'), ['id'], ['last_modified_date', 'system_modstamp']) }}

),

final as (

    select
        {{ clean_text('id') }} as opportunity_id,
        {{ clean_text('account_id') }} as account_id,
        {{ clean_text('owner_id') }} as owner_id,
        {{ clean_text('name') }} as opportunity_name,
        {{ clean_text('type') }} as opportunity_type,
        created_date as created_at,
        cast(close_date as date) as close_date,
        {{ clean_text('stage_name') }} as stage_name,
        cast(amount as {{ type_double() }}) as amount,
        {{ clean_text('currency_iso_code') }} as currency_iso_code,
        coalesce(is_closed, false) as is_closed,
        coalesce(is_won, false) as is_won,
        {{ clean_text('lead_source') }} as lead_source,
        {{ clean_text('campaign_id') }} as campaign_id,
        {{ deleted_in_salesforce() }} as is_deleted,
        {{- render_custom_columns(source('salesforce', 'opportunity')) }}
        _load_id,
        _loaded_at
    from latest

)

select * from final
