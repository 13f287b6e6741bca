{#- Trimmed text, empty string as null. -#}
{% macro clean_text(expression) -%}
    nullif(trim({{ expression }}), '')
{%- endmacro %}

{#- E-mail address for matching: trimmed, lower case, empty as null. -#}
{% macro clean_email(expression) -%}
    nullif(lower(trim({{ expression }})), '')
{%- endmacro %}

{#- Join key of a picklist value: trimmed and lower case, so that 'Web ' matches 'web'. -#}
{% macro picklist_key(expression) -%}
    lower(trim({{ expression }}))
{%- endmacro %}

{#- Words of a free-text value (a job title) as ' word word ': lower case, every run of
    characters that are not letters or digits (any alphabet, Cyrillic too) made one space, and a
    space at both ends, so that ' cto ' can be found as a whole word and never inside
    'director'. -#}
{% macro padded_words(expression) -%}
    {{ return(adapter.dispatch('padded_words', 'alignment')(expression)) }}
{%- endmacro %}

{% macro default__padded_words(expression) -%}
    {#- PostgreSQL: [:alnum:] follows the database locale (Unicode letters included). -#}
    concat(' ', trim(regexp_replace(lower({{ expression }}), '[^[:alnum:]]+', ' ', 'g')), ' ')
{%- endmacro %}

{% macro duckdb__padded_words(expression) -%}
    {#- RE2's POSIX classes are ASCII only; \p{L} / \p{N} are Unicode letters and digits. -#}
    concat(' ', trim(regexp_replace(lower({{ expression }}), '[^\p{L}\p{N}]+', ' ', 'g')), ' ')
{%- endmacro %}

{% macro spark__padded_words(expression) -%}
    concat(' ', trim(regexp_replace(lower({{ expression }}), '[^\\p{L}\\p{N}]+', ' ')), ' ')
{%- endmacro %}

{#- One row per part of a delimited list: a set-returning expression for a select list (the
    other columns repeat on each part's row; a null list gives no row). -#}
{% macro split_to_rows(expression, delimiter) -%}
    {{ return(adapter.dispatch('split_to_rows', 'alignment')(expression, delimiter)) }}
{%- endmacro %}

{% macro default__split_to_rows(expression, delimiter) -%}
    unnest(string_to_array({{ expression }}, {{ delimiter }}))
{%- endmacro %}

{% macro duckdb__split_to_rows(expression, delimiter) -%}
    unnest(string_split({{ expression }}, {{ delimiter }}))
{%- endmacro %}

{% macro spark__split_to_rows(expression, delimiter) -%}
    {#- split() takes a regular expression: the delimiter must not be one of its metacharacters. -#}
    explode(split({{ expression }}, {{ delimiter }}))
{%- endmacro %}
