"""Shared fixtures: a temporary ALIGNMENT_HOME per test, real DuckDB files in it."""

from __future__ import annotations

import pytest
import yaml

from orchestration.home import Home

# The session's refreshed companies: each is built once per pytest-xdist worker that uses it.
SHARED_COMPANIES = ("demo_2k", "crafted_company")


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups into the test ids
def pytest_collection_modifyitems(items):
    """Keep each module's tests on one xdist worker (module fixtures are built once), and put
    every module that uses one of the shared companies on the same worker (`--dist
    loadgroup`): the suite runs on two cores without building a company twice."""
    groups = {}
    for item in items:
        shared = next((name for name in SHARED_COMPANIES if name in item.fixturenames), None)
        if shared:
            groups.setdefault(item.module, shared)
    for item in items:
        item.add_marker(pytest.mark.xdist_group(groups.get(item.module, item.module.__name__)))


@pytest.fixture
def home(tmp_path, monkeypatch) -> Home:
    monkeypatch.setenv("ALIGNMENT_HOME", str(tmp_path))
    return Home.resolve(tmp_path)


@pytest.fixture(scope="session")
def demo_2k(tmp_path_factory):
    """A 2,000-lead demo company (seed 42) refreshed once without its last LATER_DAYS days,
    then once more, incrementally, after they landed: (home, outcome of that last refresh).
    Shared by the end-to-end, report and metrics tests: read it, write only under its
    reports/, never rebuild it (tests/homes.py copies it)."""
    import os

    from demo_later import LATER_DAYS, later_crafted_changes
    from orchestration.demo import generate
    from orchestration.demo.day_split import hold_back_days, land_day
    from orchestration.refresh import run_refresh

    home = Home.resolve(tmp_path_factory.mktemp("demo_2k") / "home")
    previous = os.environ.get("ALIGNMENT_HOME")
    generate(home.root, leads=2_000, seed=42)
    later = home.root.parent / "later"
    assert hold_back_days(home.root, LATER_DAYS, later) > 0
    first = run_refresh(home)
    assert first.ok, first.failures
    later_crafted_changes(home, later)
    land_day(later, home.landing)
    outcome = run_refresh(home)
    if previous is None:
        os.environ.pop("ALIGNMENT_HOME", None)
    else:
        os.environ["ALIGNMENT_HOME"] = previous
    return home, outcome


@pytest.fixture(scope="session")
def crafted_company(tmp_path_factory):
    """The hand-made company of tests/crafted_kpis.py with its custom fields named in the dbt
    vars, refreshed once (shipped contract, UTC) for the session: (home, outcome, leads,
    opportunities). Read it; a test that changes anything works on a copy (tests/homes.py)."""
    from crafted_kpis import CUSTOM_FIELD_VARS, add_custom_fields, write_company
    from orchestration.refresh import run_refresh

    home = Home.resolve(tmp_path_factory.mktemp("crafted_company") / "home")
    write_company(home.landing)
    leads, opportunities = add_custom_fields(home.landing)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("ALIGNMENT_HOME", str(home.root))
        env.delenv("ALIGNMENT_CONTRACT", raising=False)
        env.delenv("ALIGNMENT_EXPECTATIONS", raising=False)
        # What a user writes into dbt_project.yml's vars, given for this run only.
        env.setenv("ALIGNMENT_DBT_VARS", yaml.safe_dump(CUSTOM_FIELD_VARS))
        outcome = run_refresh(home)
    return home, outcome, leads, opportunities
