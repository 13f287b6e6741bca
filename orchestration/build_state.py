"""What a refresh's dbt build must do: nothing, an incremental build, or a full rebuild.

An incremental fact keeps rows built by earlier refreshes (dbt_project/macros/incremental.sql).
They are right only if the SQL, the reference data, the dbt vars and the lead definitions that
built them are this refresh's too. So each complete build leaves in the home a fingerprint of
those inputs and the last load it built from; a build whose inputs differ, or that follows a
build which did not finish, rebuilds everything once (dbt --full-refresh). A refresh with the
same inputs and no new load would rebuild the same tables: it skips dbt.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from orchestration.home import DBT_PROJECT_DIR, PROJECT_ROOT, SEEDS_DIR, Home, contract_file

# What decides the rows of a model; dbt's tests, docs and semantic layer do not.
_BUILD_INPUTS = (DBT_PROJECT_DIR / "dbt_project.yml", DBT_PROJECT_DIR / "models",
                 DBT_PROJECT_DIR / "macros", SEEDS_DIR)
_MODEL_FILES = ("*.sql", "*.yml", "*.csv", "*.toml")


def _files(inputs: tuple[Path, ...]) -> list[Path]:
    files = []
    for item in inputs:
        if item.is_file():
            files.append(item)
        else:
            files += [path for pattern in _MODEL_FILES for path in item.rglob(pattern)]
    return sorted(files)


def build_fingerprint(dbt_vars: dict) -> str:
    """SHA-256 over the model files, the seeds, the lead definitions in force and the vars."""
    digest = hashlib.sha256(json.dumps(dbt_vars, sort_keys=True).encode())
    for path in _files(_BUILD_INPUTS):
        digest.update(str(path.relative_to(PROJECT_ROOT)).encode())
        digest.update(path.read_bytes())
    digest.update(contract_file().read_bytes())
    return digest.hexdigest()


def _state_file(home: Home) -> Path:
    return home.dbt_target / "alignment_last_build.json"


@dataclass(frozen=True)
class LastBuild:
    fingerprint: str
    loaded_up_to: int  # the largest load_id of raw.load_manifest it built from
    run_id: str
    # dbt tests that failed without failing the build: (asset key, check name, severity)
    failed_checks: tuple[tuple[str, str, str], ...] = ()
    # The run of the build an incremental build continued; None for a full build.
    built_on: str | None = None


def last_build(home: Home) -> LastBuild | None:
    """The last complete build, if the last build completed."""
    state = _state_file(home)
    if not state.exists():
        return None
    try:
        recorded = json.loads(state.read_text(encoding="utf-8"))
        return LastBuild(**{**recorded,
                            "failed_checks": tuple(map(tuple, recorded["failed_checks"]))})
    except (ValueError, TypeError, KeyError):
        return None  # written by another version: build it again


# dbt tag of a model whose rows depend on when it is built (source_freshness): never kept.
READS_THE_CLOCK = "reads_the_clock"
# The dbt source of the lead definitions: landed from the contract file the fingerprint holds.
CONTRACT_SOURCE = "contract"


def settled_nodes(manifest: dict) -> frozenset[str]:
    """The dbt nodes (unique ids) no new load can change: the seeds, the models built from
    seeds and the lead definitions alone (none reading the clock), and the tests that read only
    those. Their inputs are in the fingerprint, so an incremental build keeps them as the last
    build left them (the contract's staging, the FX ranges, the definitions in force, the time
    spine and their tests) instead of building and testing them again."""
    nodes = manifest["nodes"]
    settled: dict[str, bool] = {}

    def is_settled(unique_id: str) -> bool:
        if unique_id not in settled:
            source = manifest["sources"].get(unique_id)
            if source is not None:
                settled[unique_id] = source["source_name"] == CONTRACT_SOURCE
            else:
                node = nodes[unique_id]
                settled[unique_id] = node["resource_type"] in ("seed", "model", "test") \
                    and READS_THE_CLOCK not in node.get("tags", ()) \
                    and all(map(is_settled, node.get("depends_on", {}).get("nodes", ())))
        return settled[unique_id]

    return frozenset(unique_id for unique_id in nodes if is_settled(unique_id))


@dataclass(frozen=True)
class BuildPlan:
    action: str  # "skip", "incremental" or "full"
    reason: str
    # An incremental build keeps the seeds the last build loaded and the other settled nodes
    # (settled_nodes): the fingerprint proves their inputs unchanged, so building and testing
    # them again would change nothing.
    reuse_settled: bool = False
    # An incremental build's valid_columns tests of incremental models check only the rows of
    # loads after this one: the last complete build wrote the older rows and passed its tests
    # on them (dbt_project/macros/tests/test_valid_columns.sql). None: every row is tested.
    tested_up_to_load: int | None = None


def plan_build(last: LastBuild | None, fingerprint: str, loaded_up_to: int, *,
               full_refresh_asked: bool = False, settled_in_warehouse: bool = True) -> BuildPlan:
    """What a build of the whole project with these inputs must do.

    settled_in_warehouse: every settled node's table or view exists (a warehouse replaced under
    the home's build state has none; then an incremental build builds them again).
    """
    if full_refresh_asked:
        return BuildPlan("full", "asked for (--full-refresh)")
    if last is None:
        return BuildPlan("full", "no complete build to build on (first refresh, or the last "
                                 "one did not finish)")
    if last.fingerprint != fingerprint:
        return BuildPlan("full", "the dbt project, the seeds, the dbt vars or the lead "
                                 "definitions changed")
    if last.loaded_up_to == loaded_up_to:
        return BuildPlan("skip", f"no new load and no change to the models, seeds, vars or "
                                 f"lead definitions since run {last.run_id}")
    reason = f"loads {last.loaded_up_to + 1} to {loaded_up_to} are new"
    if settled_in_warehouse:
        reason += f"; the seeds and the models of them and the lead definitions alone stay " \
                  f"as run {last.run_id} built them"
    return BuildPlan("incremental", reason, reuse_settled=settled_in_warehouse,
                     tested_up_to_load=last.loaded_up_to)


# A warehouse is large from this many rows in its largest raw table (ALIGNMENT_LARGE_WAREHOUSE_ROWS,
# for another machine's cores and memory): dbt builds it one model at a time, since each query
# of a large warehouse keeps both cores busy alone, and queries side by side under one memory
# limit only slow each other down. Full dbt builds, each home built again on 1, 2 and 4
# threads (docs/performance.md, sessions 20 and 21): at 10M leads (62M e-mail events) 705 s
# on one thread against 809 s on four; at 3M (18.5M) 187-195 s against 175-177 s on two and
# 184 s on four; at 1M (6.2M) 75 s against 62-63 s. The crossover lies between 18.5M and 62M.
# Its publication also waits for the KPI contract (orchestration/assets/publish.py).
LARGE_WAREHOUSE_ROWS_ENV = "ALIGNMENT_LARGE_WAREHOUSE_ROWS"
LARGE_WAREHOUSE_ROWS = 25_000_000
# An incremental build of such a warehouse builds two models at a time: its models compute
# less, and dbt's own work per node (~0.1 s, 200 nodes) and queries too small to keep both
# cores busy leave room beside a large one. At 10M leads, a build with nothing new (the tables
# rewritten by difference, the digests, the aggregates and the tests a daily build runs;
# docs/performance.md, session 28): 151.9, 152.1 and 146.0 s on two threads against 177.7,
# 168.6 and 167.1 s on one and 197.3 s on four; the dbt process at 6.1 GiB on two, 5.9 on one.
INCREMENTAL_BUILD_THREADS = 2


def largest_raw_table_rows(con) -> int:
    """The rows of the warehouse's largest raw table, as DuckDB keeps count (nothing scanned)."""
    return con.execute(
        "select coalesce(max(estimated_size), 0) from duckdb_tables() "
        "where database_name = current_database() and schema_name = 'raw'").fetchone()[0]


def is_large_warehouse(largest_raw_table_rows: int) -> bool:
    """Whether a warehouse whose largest raw table holds this many rows is built and published
    as a large one: from ALIGNMENT_LARGE_WAREHOUSE_ROWS rows (25M unless set)."""
    text = os.environ.get(LARGE_WAREHOUSE_ROWS_ENV, "").strip()
    if not text:
        return largest_raw_table_rows >= LARGE_WAREHOUSE_ROWS
    threshold = text.replace("_", "")
    if not threshold.isdigit() or int(threshold) == 0:
        raise ValueError(f"{LARGE_WAREHOUSE_ROWS_ENV}={text!r}: give a number of rows above 0 "
                         f"(e.g. {LARGE_WAREHOUSE_ROWS:_}), or unset it for that default")
    return largest_raw_table_rows >= int(threshold)


def dbt_threads(largest_raw_table_rows: int, incremental: bool = False) -> int | None:
    """dbt's --threads for a build of this warehouse (an incremental build, or a full one),
    or None for the profile's (4, or ALIGNMENT_DBT_THREADS, which always wins)."""
    if os.environ.get("ALIGNMENT_DBT_THREADS") or not is_large_warehouse(largest_raw_table_rows):
        return None
    return INCREMENTAL_BUILD_THREADS if incremental else 1


# How a build tells dbt's tests its plan's tested_up_to_load (read when the tests run, so
# that a new value each build does not make dbt parse the project again, as a dbt var would).
TESTED_UP_TO_LOAD_ENV = "ALIGNMENT_TESTED_UP_TO_LOAD"


def export_tested_up_to_load(load: int | None) -> None:
    """Set (or, for None, remove) the variable the dbt process started next inherits."""
    if load is None:
        os.environ.pop(TESTED_UP_TO_LOAD_ENV, None)
    else:
        os.environ[TESTED_UP_TO_LOAD_ENV] = str(load)


def forget_build(home: Home) -> None:
    """Called as a build starts: until it completes, the next build must not build on it."""
    _state_file(home).unlink(missing_ok=True)


def remember_build(home: Home, build: LastBuild) -> None:
    """Called when a complete build succeeded."""
    state = _state_file(home)
    state.parent.mkdir(parents=True, exist_ok=True)
    state.write_text(json.dumps(asdict(build)) + "\n", encoding="utf-8")
