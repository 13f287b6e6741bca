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


def date_spine(datepart, start_date, end_date):
    return (f"select unnest(generate_series({start_date}, {end_date}, interval '1 {datepart}'))"
            f" as date_{datepart}")


def datediff(first_date, second_date, datepart):
    return f"date_diff('{datepart}', {first_date}, {second_date})"


def split_part(string_text, delimiter_text, part_number):
    return f"split_part({string_text}, {delimiter_text}, {part_number})"


def generate_series(upper_bound):
    return f"select unnest(range(1, {upper_bound} + 1)) as generated_number"


def type_float():
    return "double"


def current_timestamp_in_utc_backcompat():
    return "current_timestamp"
