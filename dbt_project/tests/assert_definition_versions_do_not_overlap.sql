-- At most one version of the lead definition is in effect at any time, each ends where the
-- next begins, and only the last is open-ended.
with

versions as (

    select * from {{ ref('stg_contract__lead_definition_versions') }}

),

final as (

    select
        earlier.definition_version as earlier_version,
        later.definition_version as later_version
    from versions as earlier
    inner join versions as later
        on earlier.definition_version <> later.definition_version
            and earlier.effective_from <= later.effective_from
            and (earlier.effective_to is null or earlier.effective_to > later.effective_from)

)

select * from final
