{#- Rank of each version of a record, 1 = the one to keep: the latest by the given version
    columns (newest first, nulls last), then by the file it came in (_load_id) and its place
    in the file (_row). Raw keeps every re-export; staging keeps rank 1. -#}
{% macro latest_version_rank(partition_by, version_columns=[]) -%}
    row_number() over (
        partition by {{ partition_by | join(', ') }}
        order by
        {%- for column in version_columns %}
            {{ column }} desc nulls last,
        {%- endfor %}
            _load_id desc,
            _row desc
    )
{%- endmacro %}
