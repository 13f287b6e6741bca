{#- Quoted, comma-separated SQL string literals: 'a', 'b'. -#}
{% macro sql_values(values) -%}
    {%- for value in values -%}
        '{{ value | replace("'", "''") }}'{{ ", " if not loop.last }}
    {%- endfor -%}
{%- endmacro %}

{#- HubSpot e-mail event types that are scoring touches (var email_event_touch_types keys,
    upper case). -#}
{% macro email_event_touch_types() -%}
    {{ return(var('email_event_touch_types').keys() | map('upper') | list) }}
{%- endmacro %}

{#- The touch type of an e-mail event type, per var email_event_touch_types. -#}
{% macro email_event_touch_type(event_type) -%}
    case {{ event_type }}
    {%- for type, touch_type in var('email_event_touch_types').items() %}
        when '{{ type | upper }}' then '{{ touch_type }}'
    {%- endfor %}
    end
{%- endmacro %}

{#- var restate: rebuild history under the current lead definition version. Accepts a YAML
    or JSON boolean (--vars '{restate: true}') or its text ('true', 'false'). -#}
{% macro restate() -%}
    {%- set value = var('restate', false) -%}
    {%- if value is string -%}
        {{ return(value | trim | lower in ['true', '1', 'yes']) }}
    {%- endif -%}
    {{ return(value is true or value == 1) }}
{%- endmacro %}

{#- How the funnel judges history in this build: 'current_version_restated' under var restate,
    else 'version_in_effect'. -#}
{% macro judged_by() -%}
    {{ return('current_version_restated' if restate() else 'version_in_effect') }}
{%- endmacro %}
