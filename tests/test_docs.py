"""The documentation names what the code does: each landing object's row lists its columns."""

from pathlib import Path

from orchestration.landing import OBJECTS

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_landing_doc_lists_every_object_with_its_required_columns():
    rows = {line.split("|")[2].strip(): line
            for line in (DOCS / "landing.md").read_text().splitlines()
            if line.startswith("| `landing/")}
    for obj in OBJECTS:
        row = rows[f"`raw.{obj.table}`"]
        assert all(f"`{column}` ({kind})" in row for column, kind in obj.columns.items()), obj


def test_dbt_knows_the_landing_contract_columns_that_landing_py_defines():
    """staging tells custom columns from contract columns by macros/landing_columns.sql, a
    mirror of landing.py kept honest here."""
    import ast
    import re

    macro = (DOCS.parent / "dbt_project" / "macros" / "landing_columns.sql").read_text()
    mirrored = {table: ast.literal_eval(columns) for table, columns in re.findall(
        r'"(\w+)": (\[[^\]]*\])', macro)}
    expected = {obj.table: list(obj.all_columns) + (
        [obj.partition_column] if obj.partition_column else []) for obj in OBJECTS}
    assert {t: sorted(c) for t, c in mirrored.items()} == {
        t: sorted(c) for t, c in expected.items()}
