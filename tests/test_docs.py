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
