"""Shared fixtures: a temporary ALIGNMENT_HOME per test, real DuckDB files in it."""

from __future__ import annotations

import pytest

from orchestration.home import Home


@pytest.fixture
def home(tmp_path, monkeypatch) -> Home:
    monkeypatch.setenv("ALIGNMENT_HOME", str(tmp_path))
    return Home.resolve(tmp_path)


@pytest.fixture(scope="session")
def demo_2k(tmp_path_factory):
    """A 2,000-lead demo company (seed 42), refreshed once for the whole session. Shared by
    the report and metrics tests: read it, write only under its reports/, never rebuild it."""
    import os

    from orchestration.demo import generate
    from orchestration.refresh import run_refresh

    home = Home.resolve(tmp_path_factory.mktemp("demo_2k"))
    previous = os.environ.get("ALIGNMENT_HOME")
    generate(home.root, leads=2_000, seed=42)
    outcome = run_refresh(home)
    if previous is None:
        os.environ.pop("ALIGNMENT_HOME", None)
    else:
        os.environ["ALIGNMENT_HOME"] = previous
    return home, outcome
