{#- How fresh each landing object is: the last time a file of it was loaded. A view, so the
    age is measured when it is read (by `alignment check` or a BI tool), not when it was
    built. The data contract (expectations/data_contract.yml) sets the window per source.
    Tagged reads_the_clock: publication copies it every time, where it takes the other marts
    of an unchanged build from the previous publication (orchestration/publish.py). -#}
{{ config(materialized='view', tags=['reads_the_clock']) }}

with

manifest as (

    select * from {{ source('landing', 'load_manifest') }}

),

objects as (

    select
        object as landing_object,
        {{ dbt.split_part('object', "'/'", 1) }} as source_system,
        count(*) as files_loaded,
        sum(rows_loaded) as rows_loaded,
        sum(rows_quarantined) as rows_quarantined,
        max(loaded_at) as last_loaded_at
    from manifest
    group by object

),

final as (

    select
        landing_object,
        source_system,
        files_loaded,
        rows_loaded,
        rows_quarantined,
        last_loaded_at,
        {{ dbt.datediff('last_loaded_at', utc_now(), 'second') }} / 3600.0
            as hours_since_last_load
    from objects

)

select * from final
