"""Stand-in for dbt's `adapter` object when sqlfluff lints with its jinja templater: there is
no database, so dispatch returns a function rendering a neutral SQL expression, and no
relation has columns."""


def dispatch(macro_name, macro_namespace=None):
    def call(*args, **kwargs):
        return f"{macro_name}({', '.join(str(a) for a in args)})" if args else "double"
    return call


def quote(identifier):
    return f'"{identifier}"'


def get_columns_in_relation(relation):
    return []
