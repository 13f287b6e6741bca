{#- Incremental (macros/incremental.sql): at 10M leads it holds ~2.8M rows, and several models
    (and the incremental builds' lists of what changed) read it: as a view every read ranked
    all of them again. A refresh re-ranks only the records a new load brought. -#}
{{ config(materialized=incremental_fact(), unique_key='opportunity_contact_role_id') }}

with latest as (

    {{ latest_versions(source('salesforce', 'opportunity_contact_role'), ['id'], ['last_modified_date', 'system_modstamp']) }}

),

final as (

    select
        {{ clean_text('id') }} as opportunity_contact_role_id,
        {{ clean_text('opportunity_id') }} as opportunity_id,
        {{ clean_text('contact_id') }} as contact_id,
        {{ clean_text('role') }} as contact_role,
        coalesce(is_primary, false) as is_primary,
        {{ deleted_in_salesforce() }} as is_deleted,
        {{- render_custom_columns(source('salesforce', 'opportunity_contact_role')) }}
        _load_id,
        _loaded_at
    from latest

)

select * from final
