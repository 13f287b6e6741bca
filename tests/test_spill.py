"""Large loads, builds and publications spill to the home's tmp/ beyond ALIGNMENT_MEMORY_LIMIT,
and keep working after they have: the limit and the folder are given as a database opens, not
on every connection (DuckDB refuses to set temp_directory again once a query spilled there; a
10M-lead refresh failed so, and its publication, unheld, took 17 GB)."""

from __future__ import annotations

import os

import duckdb
import jinja2
import yaml
from dbt.adapters.duckdb.credentials import DuckDBCredentials
from dbt.adapters.duckdb.environments import create

from orchestration.home import DBT_PROJECT_DIR, Home
from orchestration.warehouse import connect, duckdb_config

# Sorts ~3M md5 strings: far more than 64 MB, so it spills.
SPILLING_QUERY = ("select count(*) from (select range, md5(cast(range as varchar)) as digest "
                  "from range(3000000) order by digest)")


def _duckdb_credentials(monkeypatch, home) -> DuckDBCredentials:
    """The duckdb output of dbt_project/profiles.yml, its env_var() calls rendered."""
    monkeypatch.setenv("ALIGNMENT_HOME", str(home))
    monkeypatch.setenv("ALIGNMENT_MEMORY_LIMIT", "64MB")
    profiles = yaml.safe_load((DBT_PROJECT_DIR / "profiles.yml").read_text(encoding="utf-8"))
    output = profiles["alignment"]["outputs"]["duckdb"]

    def render(value):
        if isinstance(value, dict):
            return {key: render(item) for key, item in value.items()}
        return jinja2.Template(str(value)).render(
            env_var=lambda name, default=None: os.environ.get(name, default))

    return DuckDBCredentials(path=render(output["path"]),
                             config_options=render(output.get("config_options") or {}),
                             settings=render(output.get("settings") or {}))


def test_a_dbt_connection_after_a_spill_still_opens(monkeypatch, tmp_path):
    (tmp_path / "tmp").mkdir()
    environment = create(_duckdb_credentials(monkeypatch, tmp_path))
    first = environment.handle().cursor()
    assert first.execute(SPILLING_QUERY).fetchone() == (3_000_000,)
    # the next model's connection, once the first has spilled
    second = environment.handle().cursor()
    assert second.execute("select current_setting('temp_directory'), "
                          "current_setting('memory_limit'), current_setting('TimeZone')"
                          ).fetchone() == (str(tmp_path / "tmp"), "61.0 MiB", "UTC")


def test_the_warehouse_and_the_publication_spill_to_the_home_under_the_limit(monkeypatch,
                                                                            tmp_path):
    home = Home.resolve(tmp_path / "home")
    monkeypatch.setenv("ALIGNMENT_MEMORY_LIMIT", "64MB")
    with connect(home) as con:
        assert con.execute(SPILLING_QUERY).fetchone() == (3_000_000,)
        assert con.execute("select current_setting('memory_limit'), "
                           "current_setting('TimeZone')").fetchone() == ("61.0 MiB", "UTC")
        assert home.spill == home.root / "tmp" and home.spill.is_dir()  # DuckDB made it
    # publication's own database, in memory, has the same limit and folder
    publication = duckdb.connect(config=duckdb_config(home))
    assert publication.execute("select current_setting('memory_limit'), "
                               "current_setting('temp_directory')").fetchone() \
        == ("61.0 MiB", str(home.spill))
