{#- Incremental (macros/incremental.sql): at 10M leads it holds ~1.7M rows, and several models
    (and the incremental builds' lists of what changed) read it: as a view every read ranked
    all of them again. A refresh re-ranks only the records a new load brought. -#}
{{ config(materialized=incremental_fact(), unique_key='account_id') }}

with latest as (

    {{ latest_versions(source('salesforce', 'account'), ['id'], ['last_modified_date', 'system_modstamp']) }}

),

final as (

    select
        {{ clean_text('id') }} as account_id,
        {{ clean_text('name') }} as account_name,
        {{ clean_text('industry') }} as industry,
        cast(number_of_employees as {{ dbt.type_bigint() }}) as number_of_employees,
        {{ clean_text('billing_country') }} as billing_country,
        {{ clean_text('owner_id') }} as owner_id,
        created_date as created_at,
        {{ deleted_in_salesforce() }} as is_deleted,
        {{- render_custom_columns(source('salesforce', 'account')) }}
        _load_id,
        _loaded_at
    from latest

)

select * from final
