{#- Overrides of dbt-spark's own macros, where they would make Spark's marts differ from the
    other engines'. The root project's spark__ macros win over the adapter's in dbt's dispatch.
    docs/engines.md says why each exists. -#}

{#- dbt.listagg on Spark ignores order_by_clause (collect_list has no order), so texts like
    'Decision Maker, Economic Buyer' could come out in any order. This one sorts the collected
    values by the clause's keys ('order by a desc, b': expressions with asc/desc, nulls last, as
    DuckDB and PostgreSQL order them) before joining them. -#}
{% macro spark__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {%- set keys = [] -%}
    {%- if order_by_clause -%}
        {%- set clause = order_by_clause | trim -%}
        {%- if clause[:8] | lower != 'order by' -%}
            {{ exceptions.raise_compiler_error("listagg: order_by_clause must start with 'order by': " ~ order_by_clause) }}
        {%- endif -%}
        {%- for part in clause[8:].split(',') -%}
            {%- set words = part.strip().split(' ') -%}
            {%- set descending = words[-1] | lower == 'desc' -%}
            {%- set expression = (words[:-1] if words[-1] | lower in ['asc', 'desc'] else words) | join(' ') -%}
            {%- do keys.append({'expression': expression, 'descending': descending}) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if keys -%}
        {%- set collected -%}
            transform(
                array_sort(
                    collect_list(named_struct(
                        {%- for key in keys %}
                        'k{{ loop.index0 }}', {{ key.expression }},
                        {%- endfor %}
                        'v', {{ measure }}
                    )),
                    (l, r) -> case
                        {%- for key in keys %}
                        {%- set k = 'k' ~ loop.index0 %}
                        {%- set before, after = (1, -1) if key.descending else (-1, 1) %}
                        when l.{{ k }} is null and r.{{ k }} is not null then 1
                        when l.{{ k }} is not null and r.{{ k }} is null then -1
                        when l.{{ k }} < r.{{ k }} then {{ before }}
                        when l.{{ k }} > r.{{ k }} then {{ after }}
                        {%- endfor %}
                        else 0
                    end
                ),
                s -> s.v
            )
        {%- endset -%}
    {%- else -%}
        {%- set collected = 'collect_list(' ~ measure ~ ')' -%}
    {%- endif -%}
    {%- if limit_num -%}
        {%- set collected = 'slice(' ~ collected ~ ', 1, ' ~ limit_num ~ ')' -%}
    {%- endif -%}
    array_join({{ collected }}, {{ delimiter_text }})
{%- endmacro %}

{#- Seeds on Spark. dbt-spark's session method pastes seed values into the SQL unescaped
    ('{value}'): a quote in a value (the symptom thresholds' rules) breaks the insert, and an
    empty cell becomes the text 'None'. This writes each value as an escaped literal, NULL for
    an empty cell. -#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set batch_size = get_batch_size() -%}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(batch_size) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                ({%- for col_name in agate_table.column_names -%}
                    {%- set inferred_type = adapter.convert_type(agate_table, loop.index0) -%}
                    {%- set type = column_override.get(col_name, inferred_type) -%}
                    cast({{ spark_seed_literal(row[loop.index0]) }} as {{ type }})
                    {%- if not loop.last %}, {% endif -%}
                {%- endfor -%})
                {%- if not loop.last %},{% endif %}
            {% endfor %}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.index0 == 0 -%}
            {%- do statements.append(sql) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(statements[0] if statements else '') }}
{% endmacro %}

{#- A seed cell as a Spark SQL literal. -#}
{% macro spark_seed_literal(value) -%}
    {%- if value is none -%}
        null
    {%- elif value is sameas true or value is sameas false -%}
        {{ 'true' if value else 'false' }}
    {%- elif value is number -%}
        {{ value }}
    {%- else -%}
        '{{ (value | string) | replace("\\", "\\\\") | replace("'", "\\'") }}'
    {%- endif -%}
{%- endmacro %}
