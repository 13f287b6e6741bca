"""`alignment metrics`: MetricFlow's `mf` over the warehouse, attached read-only.

The metrics are defined once, in dbt_project/models/semantic/ (docs/metrics.md); `mf` reads
the project's semantic manifest (dbt_project/target/semantic_manifest.json) and queries the
warehouse through the dbt profile's `metrics` target.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from orchestration.home import DBT_PROJECT_DIR, Home

# The dbt profile's target that attaches warehouse.duckdb read-only (dbt_project/profiles.yml).
METRICS_TARGET = "metrics"


def mf_executable() -> str:
    """The `mf` installed beside this Python (the venv), else the one on PATH."""
    beside = Path(sys.executable).parent / "mf"
    return str(beside) if beside.exists() else "mf"


def mf_environment(home: Home) -> dict[str, str]:
    """The environment `mf` runs in: this home's warehouse, the read-only target."""
    return {**os.environ,
            "ALIGNMENT_HOME": str(home.root),
            "ALIGNMENT_DBT_TARGET": METRICS_TARGET,
            "DBT_PROJECT_DIR": str(DBT_PROJECT_DIR),
            "DBT_PROFILES_DIR": str(DBT_PROJECT_DIR)}


def prepare_semantic_manifest() -> Path:
    """Parse the dbt project when a model or yml changed since the last parse (the semantic
    manifest is written beside the manifest)."""
    from orchestration.assets.dbt import ensure_manifest

    return ensure_manifest().with_name("semantic_manifest.json")


def run_mf(home: Home, mf_args: Sequence[str], **kwargs) -> subprocess.CompletedProcess:
    prepare_semantic_manifest()
    return subprocess.run([mf_executable(), *mf_args], cwd=DBT_PROJECT_DIR,
                          env=mf_environment(home), **kwargs)


def query_metrics(home: Home, metrics: Sequence[str],
                  group_by: Sequence[str] = ("metric_time__month",),
                  where: str | None = None) -> list[dict[str, str]]:
    """Rows of `mf query` as dicts of text (mf's CSV), ordered by the group-by items."""
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "metrics.csv"
        args = ["query", "--metrics", ",".join(metrics), "--group-by", ",".join(group_by),
                "--order", ",".join(group_by), "--csv", str(out), "--quiet"]
        if where:
            args += ["--where", where]
        done = run_mf(home, args, capture_output=True, text=True)
        if done.returncode != 0 or not out.exists():
            raise RuntimeError(f"mf query failed ({done.returncode}):\n{done.stdout}{done.stderr}")
        with out.open(newline="") as handle:
            return list(csv.DictReader(handle))


def run(args: argparse.Namespace, home: Home) -> int:
    """`alignment metrics <mf arguments>`: e.g. `alignment metrics query --metrics
    acceptance_rate --group-by metric_time__month`; `alignment metrics list metrics`."""
    mf_args = list(args.mf_args)
    if mf_args[:1] == ["--"]:
        mf_args = mf_args[1:]
    if not mf_args:
        mf_args = ["--help"]
    if not home.warehouse.exists() and mf_args[0] == "query":
        print(f"no warehouse at {home.warehouse}: run `alignment refresh` first", file=sys.stderr)
        return 1
    return run_mf(home, mf_args).returncode
