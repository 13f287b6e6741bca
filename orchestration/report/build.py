"""build_report: read the marts read-only, write reports/alignment-report.html."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from orchestration.home import Home
from orchestration.report import data, page, sections
from orchestration.warehouse import connect

REPORT_NAME = "alignment-report.html"


def marts_file(home: Home) -> Path:
    """The published marts ($ALIGNMENT_HOME/marts.duckdb) when there are any, else the
    warehouse itself: a reader of the published copy never waits for a refresh."""
    published = home.root / "marts.duckdb"
    return published if published.exists() else home.warehouse


@contextmanager
def open_marts(home: Home) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection in which `marts.<table>` names every mart."""
    path = marts_file(home)
    if path == home.warehouse:
        with connect(home, read_only=True) as con:
            yield con
        return
    con = duckdb.connect(str(path), read_only=True)
    try:
        con.execute("set TimeZone = 'UTC'")
        yield con
    finally:
        con.close()


def report_path(home: Home) -> Path:
    return home.reports / REPORT_NAME


def render_report(con: duckdb.DuckDBPyConnection, home: Home, source: str) -> str:
    """The page's HTML from an open read-only connection."""
    found = sections.build_sections(con)
    as_of = sections.as_of_text(data.as_of(con))
    return page.render(found, as_of, source, page.javascript_bundle())


def build_report(home: Home) -> Path:
    """Write $ALIGNMENT_HOME/reports/alignment-report.html (atomically) and return its path."""
    with open_marts(home) as con:
        text = render_report(con, home, source=marts_file(home).name)
    path = report_path(home)
    page.write_atomically(path, text)
    return path
