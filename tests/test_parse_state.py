"""dbt's partial-parse state: a home without one takes another home's, and dbt builds on it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import msgpack

from orchestration.home import DBT_PROJECT_DIR, Home
from orchestration.parse_state import (
    RECORD,
    STATE,
    prepare_parse_state,
    share_parse_state,
)

VARS = {"restate": False, "reporting_timezone": "UTC"}


def _dbt_parse(home: Home) -> dict:
    """`dbt parse` into the home's target, as a refresh's build parses: dbt's perf_info.json."""
    subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), "parse", "--vars", json.dumps(VARS),
         "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
         "--target-path", str(home.dbt_target), "--log-path", str(home.root / "logs")],
        env={**os.environ, "ALIGNMENT_HOME": str(home.root)}, check=True, capture_output=True)
    return json.loads((home.dbt_target / "perf_info.json").read_text(encoding="utf-8"))


def test_a_new_home_builds_on_the_state_another_home_left(tmp_path, monkeypatch):
    shared = tmp_path / "shared"
    first = Home.resolve(tmp_path / "first")
    assert prepare_parse_state(first, VARS, shared) == "none: dbt parses the whole project"
    whole = _dbt_parse(first)
    assert whole["parsed_path_count"] == whole["path_count"] > 200
    # what makes it movable: nothing parsed names the home (the profile's paths are not parsed)
    assert str(first.root).encode() not in (first.dbt_target / STATE).read_bytes()
    share_parse_state(first, shared)

    # dbt's own check passes: the state's profile hash is the one dbt computes for this home
    second = Home.resolve(tmp_path / "second")
    assert prepare_parse_state(second, VARS, shared) == f"taken from the home {first.root}"
    assert _dbt_parse(second)["parsed_path_count"] == 0
    assert prepare_parse_state(second, VARS, shared) == "this home's"

    # a copy of a home carries a state parsed for the original: it is rehomed, not dropped
    copied = Home.resolve(tmp_path / "copied")
    shutil.copytree(second.root, copied.root)
    assert prepare_parse_state(copied, VARS, tmp_path / "nothing shared") \
        == f"taken from the home {second.root}"
    assert _dbt_parse(copied)["parsed_path_count"] == 0

    # parsed under another profile setting than the home: left for dbt, which parses whole
    monkeypatch.setenv("ALIGNMENT_MEMORY_LIMIT", "1GB")
    other = Home.resolve(tmp_path / "other")
    assert prepare_parse_state(other, VARS, shared) == "none: dbt parses the whole project"
    assert not (other.dbt_target / STATE).exists()
    monkeypatch.delenv("ALIGNMENT_MEMORY_LIMIT")

    # a state that names the home it was parsed for stays that home's
    parsed = msgpack.unpackb((shared / STATE).read_bytes(), raw=False, strict_map_key=False)
    parsed["nodes"]["model.alignment.int_kpi_months"]["config"]["meta"] = {
        "warehouse": f"{first.root}/warehouse.duckdb"}
    (shared / STATE).write_bytes(msgpack.packb(parsed))
    named = Home.resolve(tmp_path / "named")
    assert prepare_parse_state(named, VARS, shared) == "none: dbt parses the whole project"


def test_the_state_of_a_project_at_another_path_is_dropped(tmp_path):
    """It keeps the project's absolute path: dbt would load the seeds from the old clone."""
    home = Home.resolve(tmp_path / "home")
    home.dbt_target.mkdir(parents=True)
    state = home.dbt_target / STATE
    state.write_bytes(b"state of an old clone")
    (home.dbt_target / RECORD).write_text(json.dumps(
        {"project": "/an/old/clone/dbt_project", "home": str(home.root)}), encoding="utf-8")
    assert prepare_parse_state(home, VARS, tmp_path / "shared") \
        == "none: dbt parses the whole project"
    assert not state.exists()
    assert json.loads((home.dbt_target / RECORD).read_text(encoding="utf-8")) \
        == {"project": str(DBT_PROJECT_DIR), "home": str(home.root)}
    # nothing to share from a home whose state dbt has not written since
    share_parse_state(home, tmp_path / "shared")
    assert not (tmp_path / "shared" / STATE).exists()
