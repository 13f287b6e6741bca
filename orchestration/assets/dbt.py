"""The dbt project as Dagster assets: a streamed `dbt build`, dbt tests as asset checks."""

import fcntl
import json
import os
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import nullcontext
from functools import cached_property
from graphlib import TopologicalSorter
from itertools import chain
from pathlib import Path
from typing import Any

import dagster as dg
import yaml
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    DbtProject,
    dbt_assets,
)
from dagster_dbt.asset_utils import DAGSTER_DBT_UNIQUE_ID_METADATA_KEY as DBT_UNIQUE_ID
from dagster_dbt.asset_utils import get_manifest_and_translator_from_dbt_assets
from dagster_dbt.compat import DBT_PYTHON_VERSION
from dagster_dbt.core.dbt_cli_invocation import DbtCliInvocation
from dagster_dbt.dbt_manifest import DbtManifestParam

from orchestration.build_state import (
    LastBuild,
    build_fingerprint,
    dbt_threads,
    export_tested_up_to_load,
    forget_build,
    largest_raw_table_rows,
    last_build,
    plan_build,
    remember_build,
    settled_nodes,
)
from orchestration.dbt_in_process import InProcessDbt
from orchestration.home import DBT_PROJECT_DIR, SEEDS_DIR, Home
from orchestration.parse_state import prepare_parse_state, share_parse_state
from orchestration.progress import NOTE, UNCHANGED
from orchestration.resources import WarehouseResource
from orchestration.warehouse import held_open

# dagster-dbt runs `dbt` from PATH; `.venv/bin/alignment` may run without the venv activated.
_VENV_BIN = str(Path(sys.executable).parent)
if _VENV_BIN not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = _VENV_BIN + os.pathsep + os.environ.get("PATH", "")
DBT_EXECUTABLE = str(Path(_VENV_BIN) / "dbt")

# Run tag of `alignment refresh --restate`: judge all history by the current lead definition.
RESTATE_TAG = "alignment/restate"
# Run tag of `alignment refresh --full-refresh`: rebuild the incremental facts from raw.
FULL_REFRESH_TAG = "alignment/full_refresh"

DBT_PROJECT = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


class DbtCoreResource(DbtCliResource):
    """DbtCliResource running the dbt-core installed beside this interpreter: in this process
    when it builds every dbt asset (dbt_in_process: dbt-core is not imported again), and a
    subset as a subprocess without the two things dagster-dbt does in this process before
    every dbt command (~7 s; both are private methods of dagster-dbt, pinned below 0.30: if
    they are renamed, dagster-dbt's own run again, slower but the same):

    - it runs `dbt --version` to tell dbt-core from dbt Fusion, a Python start that imports
      dbt (~5 s). The executable is this environment's dbt (DBT_EXECUTABLE; pyproject pins
      dbt-core), so its version is that of the dbt-core imported here.
    - it sets up a dbt adapter (profile, adapter, dbt's macros: 1.5-3 s) for fetching row
      counts and column metadata, which these assets do not ask for.
    """

    @cached_property
    def _cli_version(self):
        return DBT_PYTHON_VERSION

    def _initialize_dbt_core_adapter(self, args):
        return None

    @staticmethod
    def runs_in_process(context: dg.AssetExecutionContext | dg.OpExecutionContext | None,
                        target_path: Path | None) -> bool:
        """Whether cli() runs dbt on a thread of this process (a build of every dbt asset)."""
        return context is not None and target_path is not None and not context.is_subset

    def cli(self, args: Sequence[str], *, raise_on_error: bool = True,
            manifest: DbtManifestParam | None = None,
            dagster_dbt_translator: DagsterDbtTranslator | None = None,
            context: dg.AssetExecutionContext | dg.OpExecutionContext | None = None,
            target_path: Path | None = None) -> DbtCliInvocation:
        """dbt's command in this process when it builds every node of the dbt assets; a
        subset (chosen in the UI) goes to dagster-dbt's subprocess, which selects it."""
        if not self.runs_in_process(context, target_path):
            return super().cli(args, raise_on_error=raise_on_error, manifest=manifest,
                               dagster_dbt_translator=dagster_dbt_translator, context=context,
                               target_path=target_path)
        manifest, translator, project = get_manifest_and_translator_from_dbt_assets(
            [context.assets_def])
        project_dir = Path(project.project_dir) if project else Path(self.project_dir)
        options = [("--project-dir", project_dir), ("--profiles-dir", self.profiles_dir),
                   ("--profile", self.profile), ("--target", self.target),
                   ("--target-path", target_path), ("--log-path", target_path)]
        process = InProcessDbt([
            *self.global_config_flags, *args,
            *(str(part) for flag, value in options if value for part in (flag, value)),
            # Its events are the log lines (dbt_in_process), not its stdout.
            "--log-level", "none", "--no-send-anonymous-usage-stats"])
        return DbtCliInvocation(process=process, manifest=manifest,
                                dagster_dbt_translator=translator, project_dir=project_dir,
                                target_path=target_path, raise_on_error=raise_on_error,
                                cli_version=DBT_PYTHON_VERSION, project=project, context=context)


def _newest_source_mtime(folders: tuple[Path, ...]) -> float:
    ignored = {"target", "logs", "dbt_packages"}
    return max(
        (path.stat().st_mtime
         for folder in folders
         for path in folder.rglob("*")
         if path.is_file() and not ignored & set(path.relative_to(folder).parts)),
        default=0.0,
    )


def ensure_manifest(project: DbtProject = DBT_PROJECT) -> Path:
    """Parse the dbt project when its manifest is missing or older than a model or seed.

    Analysts edit models and seeds and then refresh; a stale manifest would run old SQL.
    Processes that load the code location at once (`dagster dev` and a refresh, parallel
    tests) parse one after another: a second parse into the same folder would read the
    first's half-written files.
    """
    manifest = project.manifest_path
    manifest.parent.mkdir(parents=True, exist_ok=True)
    with (manifest.parent / ".parse.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not manifest.exists() or manifest.stat().st_mtime < _newest_source_mtime(
                (project.project_dir, SEEDS_DIR)):
            project.preparer.prepare(project)
    return manifest


def dbt_vars(*, restate: bool) -> dict:
    """The dbt vars of a build: restate, and the reporting time zone of the KPI months.

    ALIGNMENT_DBT_VARS (a YAML mapping) overrides vars of dbt_project.yml for one run, as
    `dbt --vars` does: e.g. a custom-field list tried before it is committed there.
    """
    overrides = yaml.safe_load(os.environ.get("ALIGNMENT_DBT_VARS") or "{}") or {}
    if not isinstance(overrides, dict):
        raise ValueError("ALIGNMENT_DBT_VARS must be a YAML mapping of dbt vars")
    return {**overrides, "restate": restate,
            "reporting_timezone": os.environ.get("ALIGNMENT_REPORTING_TIMEZONE") or "UTC"}


class AlignmentTranslator(DagsterDbtTranslator):
    """Keys are <schema>/<name> (marts/fct_lead_funnel); groups follow the dbt layers."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return super().get_asset_key(dbt_resource_props)
        return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "reference"
        return dbt_resource_props["fqn"][1] if len(dbt_resource_props["fqn"]) > 2 else "dbt"


# The manifest the dbt assets are made from; publication reads which marts mark their rows.
DBT_MANIFEST = json.loads(ensure_manifest().read_text(encoding="utf-8"))
# What an incremental build keeps as the last build left it.
SETTLED = settled_nodes(DBT_MANIFEST)
SETTLED_MODELS = sorted(DBT_MANIFEST["nodes"][unique_id]["name"] for unique_id in SETTLED
                        if unique_id.startswith("model."))


@dbt_assets(
    manifest=DBT_MANIFEST,
    project=DBT_PROJECT,
    # The contract's tables are dbt sources landed by one asset, contract/lead_definitions.
    dagster_dbt_translator=AlignmentTranslator(
        settings=DagsterDbtTranslatorSettings(enable_duplicate_source_asset_keys=True)),
)
def alignment_dbt(context: dg.AssetExecutionContext, dbt: DbtCoreResource,
                  warehouse: WarehouseResource) -> Iterator[Any]:
    # dbt's profile reads the warehouse path from ALIGNMENT_HOME.
    warehouse.paths.export()
    restate = context.run.tags.get(RESTATE_TAG) == "true"
    variables = dbt_vars(restate=restate)
    # dbt's unit tests check the SQL, not the data: `make test` runs them, not every refresh.
    # No debug log file: dbt's output is already in logs/refresh.log, and writing every SQL
    # statement's events from 4 threads cost ~1.5 s per build (12% of its run at 20k leads).
    args = ["build", "--vars", json.dumps(variables), "--exclude-resource-type", "unit_test",
            "--log-level-file", "none"]
    if restate:
        context.log.info("restating all history under the current lead definition")
    home = warehouse.paths
    with warehouse.connect(read_only=True) as con:
        loaded_up_to = con.execute(
            "select coalesce(max(load_id), 0) from raw.load_manifest").fetchone()[0]
        tables = set(con.execute(
            "select table_schema, table_name from information_schema.tables").fetchall())
        largest_raw = largest_raw_table_rows(con)
    if context.is_subset:
        # A build of part of the project leaves facts no later build may build on.
        forget_build(home)
        export_tested_up_to_load(None)
        yield from _dbt_build(context, dbt, home, args + _threads(context, largest_raw, False),
                              variables)
        return
    settled, settled_checks = _settled(context.assets_def)
    fingerprint = build_fingerprint(variables)
    last = last_build(home)
    plan = plan_build(last, fingerprint, loaded_up_to,
                      full_refresh_asked=context.run.tags.get(FULL_REFRESH_TAG) == "true",
                      settled_in_warehouse={tuple(key.path) for key in settled} <= tables)
    context.log.info(f"{NOTE}dbt build: {plan.action} ({plan.reason})")
    if plan.action == "skip":
        yield from _unchanged(context, plan.reason, last, context.selected_asset_keys,
                              context.selected_asset_check_keys)
        return
    kept: Iterable[Any] = ()
    args += _threads(context, largest_raw, incremental=plan.action == "incremental")
    if plan.action == "full":
        args.append("--full-refresh")
    elif plan.reuse_settled:
        # Cautious: only the tests on settled nodes alone go with them; a model's test against
        # a seed (unmapped_values) still runs.
        args += ["--exclude", " ".join(["resource_type:seed", *SETTLED_MODELS]),
                 "--indirect-selection", "cautious"]
        kept = _unchanged(context, f"its seed files and lead definitions unchanged since run "
                                   f"{last.run_id}", last,
                          settled & context.selected_asset_keys,
                          settled_checks & context.selected_asset_check_keys)
    forget_build(home)
    export_tested_up_to_load(plan.tested_up_to_load)
    failed = []
    for event in chain(kept, _dbt_build(context, dbt, home, args, variables)):
        if isinstance(event, dg.MaterializeResult):
            checks = event.check_results or ()
        else:
            checks = (event,) if isinstance(event, dg.AssetCheckResult) else ()
        failed += [(check.asset_key.to_user_string(), check.check_name, check.severity.value)
                   for check in checks if not check.passed]
        yield event
    remember_build(home, LastBuild(fingerprint, loaded_up_to, context.run.run_id,
                                   tuple(failed),
                                   last.run_id if plan.action == "incremental" else None))


def _threads(context: dg.AssetExecutionContext, largest_raw: int, incremental: bool) -> list[str]:
    """dbt's --threads for this build, when the warehouse's size decides them."""
    threads = dbt_threads(largest_raw, incremental)
    if not threads:
        return []
    how = "one model at a time" if threads == 1 else f"{threads} models at a time, incremental"
    context.log.info(f"{NOTE}dbt's threads: {threads} (the largest raw table holds "
                     f"{largest_raw:,} rows: {how})")
    return ["--threads", str(threads)]


def _settled(assets_def: dg.AssetsDefinition) -> tuple[set[dg.AssetKey], set[dg.AssetCheckKey]]:
    """The settled nodes' assets (build_state.settled_nodes), and the checks of the tests that
    read them alone."""
    keys = {spec.key for spec in assets_def.specs
            if spec.metadata.get(DBT_UNIQUE_ID) in SETTLED}
    checks = {spec.key for spec in assets_def.check_specs
              if spec.asset_key in keys
              and all(dep.asset_key in keys for dep in spec.additional_deps)}
    return keys, checks


def _dbt_build(context: dg.AssetExecutionContext, dbt: DbtCoreResource, home: Home,
               args: list[str], variables: dict) -> Iterator[Any]:
    # One target folder per home: partial parsing between runs, and `alignment whatif`
    # defers to the manifest of the build that made the warehouse.
    context.log.info(f"{NOTE}dbt's parse state: {prepare_parse_state(home, variables)}")
    target = home.dbt_target
    # dbt on a thread of this process opens the database held here instead of the file.
    with held_open(home) if dbt.runs_in_process(context, target) else nullcontext():
        yield from dbt.cli(args, context=context, target_path=target).stream()
    share_parse_state(home)


def _unchanged(context: dg.AssetExecutionContext, reason: str, last: LastBuild,
               keys: set[dg.AssetKey], check_keys: set[dg.AssetCheckKey]
               ) -> Iterator[dg.MaterializeResult]:
    """These dbt assets as they stand, with the results their tests had in the last build:
    the tables are a function of inputs that have not changed since."""
    failed = {(key, check): severity for key, check, severity in last.failed_checks}
    checks = defaultdict(list)
    for check in check_keys:
        checks[check.asset_key].append(check.name)
    deps = context.assets_def.asset_deps
    # Dagster takes a multi-asset's results in dependency order.
    for key in TopologicalSorter({key: deps.get(key, set()) & keys
                                  for key in keys}).static_order():
        yield dg.MaterializeResult(asset_key=key, metadata={UNCHANGED: reason}, check_results=[
            dg.AssetCheckResult(
                asset_key=key, check_name=name,
                passed=(key.to_user_string(), name) not in failed,
                severity=dg.AssetCheckSeverity(
                    failed.get((key.to_user_string(), name), "ERROR")),
                metadata={UNCHANGED: reason})
            for name in checks[key]])
