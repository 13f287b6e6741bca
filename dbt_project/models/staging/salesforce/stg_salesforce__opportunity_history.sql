{#- Incremental (macros/incremental.sql): at 10M leads it holds ~4M rows, and several models
    (and the incremental builds' lists of what changed) read it: as a view every read ranked
    all of them again. A refresh re-ranks only the records a new load brought. -#}
{{ config(materialized=incremental_fact(), unique_key='opportunity_history_id') }}

with latest as (

    {{ latest_versions(source('salesforce', 'opportunity_history'), ['id'], ['last_modified_date', 'system_modstamp']) }}

),

final as (

    select
        {{ clean_text('id') }} as opportunity_history_id,
        {{ clean_text('opportunity_id') }} as opportunity_id,
        created_date as changed_at,
        {{ clean_text('stage_name') }} as stage_name,
        cast(amount as {{ type_double() }}) as amount,
        {{- render_custom_columns(source('salesforce', 'opportunity_history')) }}
        _load_id,
        _loaded_at
    from latest

)

select * from final
