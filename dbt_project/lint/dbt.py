"""Stand-ins for dbt's cross-database macros (dbt.dateadd, ...) when sqlfluff lints with its
jinja templater: each returns plain SQL of the right shape, not the adapter's exact text."""


def dateadd(datepart, interval, from_date_or_timestamp):
    return f"{from_date_or_timestamp} + ({interval}) * interval '1 {datepart}'"


def concat(fields):
    return f"concat({', '.join(fields)})"


def hash(field):
    return f"md5({field})"


def position(substring_text, string_text):
    return f"strpos({string_text}, {substring_text})"


def length(expression):
    return f"length({expression})"


def date_trunc(datepart, date):
    return f"date_trunc('{datepart}', {date})"


def type_string():
    return "varchar"


def type_timestamp():
    return "timestamp"


def type_bigint():
    return "bigint"


def type_int():
    return "integer"


def type_numeric():
    return "numeric(28, 6)"


def listagg(measure, delimiter_text="','", order_by_clause=None, limit_num=None):
    return f"string_agg({measure}, {delimiter_text} {order_by_clause or ''})"
