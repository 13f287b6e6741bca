{#- Whether a Salesforce record's latest version is deleted: IsDeleted (queryAll, Fivetran) or
    Fivetran's _fivetran_deleted (a record gone from the recycle bin too). A file with neither
    column holds live records. -#}
{% macro deleted_in_salesforce() -%}
    coalesce(is_deleted, false) or coalesce(fivetran_deleted, false)
{%- endmacro %}

{#- Whether a HubSpot contact's latest version is deleted: archived (HubSpot's API) or
    _fivetran_deleted. A file with neither column holds live contacts. -#}
{% macro deleted_in_hubspot() -%}
    coalesce(archived, false) or coalesce(fivetran_deleted, false)
{%- endmacro %}
