{#- The latest version of each record of a raw relation, all its columns: the latest by the
    given version columns (newest first, nulls last), then by the file it came in (_load_id)
    and its place in the file (_row). Raw keeps every re-export; staging keeps the latest.

    In an incremental build it reads the versions of the records a newer load brought
    (versions_of_changed_records; key as there). The versions are ranked on their keys alone
    and the winners joined back by (_load_id, _row), which is unique in raw: a window over
    every column would sort them all (at 1M leads the e-mail events' staging took 7.3 s so,
    4.9 s this way). The relation is read twice, by subqueries rather than one CTE: DuckDB
    materializes a CTE read twice, every column of it, which cost more than the window. -#}
{% macro latest_versions(relation, partition_by, version_columns=[], key='id') -%}
    select versions.*
    from ({{ versions_of_changed_records(relation, key) }}) as versions
    inner join (
        select
            _load_id,
            _row
        from (
            select
                _load_id,
                _row,
                row_number() over (
                    partition by {{ partition_by | join(', ') }}
                    order by
                    {%- for column in version_columns %}
                        {{ column }} desc nulls last,
                    {%- endfor %}
                        _load_id desc,
                        _row desc
                ) as version_rank
            from ({{ versions_of_changed_records(relation, key) }}) as ranked_versions
        ) as ranked
        where version_rank = 1
    ) as latest
        on versions._load_id = latest._load_id
            and versions._row = latest._row
{%- endmacro %}
