{#- Merges followed to the end of their chains: CTEs for a model's `with` list, after a CTE
    `merge_links` of one row per record merged away (merged_id, surviving_id, _load_id: the
    load of the version that records the merge). A record merged into one that was merged away
    later belongs to the last survivor: Salesforce keeps the MasterRecordId a lead was first
    merged into, and a HubSpot contact may list only the contacts merged into it directly. The
    last CTE, `merge_chain_ends`, holds each merged record with the record its chain ends at,
    and the newest _load_id along the chain (a new version of any link changes where it ends).

    One join per link, `steps` of them, rather than a recursive CTE, which Spark 4.0 (within
    this project's pyspark range) does not have; a chain of more than a few merges is rare. A
    chain that does not end within `steps` links (a cycle, which a sound export never holds)
    is left out: each record in it is matched on its own. -#}
{% macro merge_chains(steps=8) -%}
    merge_hop_0 as (

        select
            merged_id,
            surviving_id,
            _load_id
        from merge_links
        where merged_id <> surviving_id

    ),
    {%- for step in range(1, steps + 1) %}

    merge_hop_{{ step }} as (

        select
            link.merged_id,
            coalesce(next_link.surviving_id, link.surviving_id) as surviving_id,
            {{ greatest_not_null(['link._load_id', 'next_link._load_id']) }} as _load_id
        from merge_hop_{{ step - 1 }} as link
        left join merge_hop_0 as next_link
            on link.surviving_id = next_link.merged_id

    ),
    {%- endfor %}

    merge_chain_ends as (

        select
            chains.merged_id,
            chains.surviving_id,
            chains._load_id
        from merge_hop_{{ steps }} as chains
        left join merge_hop_0 as unended
            on chains.surviving_id = unended.merged_id
        where unended.merged_id is null

    )
{%- endmacro %}
