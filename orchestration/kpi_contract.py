"""The KPI contract: the suites in expectations/, run with Great Expectations over the marts.

A suite file lists expectations in GX's own terms (type and kwargs) plus what the warehouse
needs around them: the mart, the severity (`error` blocks publication, `warn` reports), and
how a failure explains itself (period, value, threshold, sample rows). Thresholds are never
copied into the suites: they are columns the marts take from the signed contract, or
`$PARAMETER`s this module reads from the warehouse's contract tables.

GX's SQL path over DuckDB returns empty metric bundles, so each mart is read read-only into
pandas (only the columns the suite needs) and validated there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import os
import pickle
import sys
import warnings
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

import pandas as pd
import yaml

from orchestration.home import PROJECT_ROOT, Home
from orchestration.warehouse import connect, insert_rows

EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"
SEVERITIES = ("error", "warn")
SUITE_KEYS = {"suite", "signed_by", "description", "expectations"}
EXPECTATION_KEYS = {"name", "description", "severity", "mart", "type", "kwargs", "for_each",
                    "report"}
REPORT_KEYS = {"period", "value", "threshold", "sample"}
# Sample rows shown per failure: enough to act on, short enough to read.
SAMPLE_ROWS = 5
# Data Docs' index lists the latest validation results only: it reads every result it lists,
# so an unbounded index would slow each refresh as the daily history grows.
DOCS_INDEX_RESULTS = 300
# A COMPLETE result's lists of every offending row (values, indexes, and the indexes again as
# a pandas query), which the stored results leave out: Data Docs show the partial lists.
EVERY_OFFENDING_ROW = frozenset({"unexpected_list", "unexpected_index_list",
                                 "unexpected_index_query"})

# Written by every check of the contract, after the marts are built (and published with them).
RESULTS_TABLE = "contract_results"
RESULTS_DDL = f"""
create table if not exists marts.{RESULTS_TABLE} (
    run_id varchar not null,
    checked_at timestamp not null,
    suite varchar not null,
    expectation varchar not null,
    severity varchar not null,
    mart varchar not null,
    period date,
    value double,
    threshold double,
    passed boolean not null
)"""


class SuiteError(ValueError):
    """A suite file breaks the format; the message names the file and the expectation."""


@dataclass(frozen=True)
class Expectation:
    suite: str
    name: str  # unique in its suite; a Dagster check name on the mart's asset
    description: str
    severity: str
    mart: str
    type: str
    kwargs: dict
    period: str | None = None
    value: str | None = None
    threshold: str | None = None
    sample: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.suite}.{self.name}"

    @property
    def columns(self) -> list[str]:
        """Columns of the mart the expectation and its explanation read."""
        named = [self.kwargs.get(k) for k in ("column", "column_A", "column_B")]
        named += [self.period, self.value, self.threshold, *self.sample]
        condition = self.kwargs.get("row_condition") or ""
        # A pandas row condition names its columns as plain words: keep those that exist.
        named += condition.replace("(", " ").replace(")", " ").split()
        return list(dict.fromkeys(c for c in named if isinstance(c, str)))


@dataclass(frozen=True)
class Suite:
    name: str
    signed_by: str
    description: str
    file: Path
    expectations: tuple[Expectation, ...]


@dataclass(frozen=True)
class PeriodResult:
    period: dt.date | None
    value: float | None
    threshold: float | None
    passed: bool


@dataclass(frozen=True)
class Outcome:
    expectation: Expectation
    passed: bool
    checked_rows: int
    failing_rows: int
    periods: tuple[PeriodResult, ...]
    samples: tuple[dict, ...] = field(default=())
    error: str | None = None  # GX could not evaluate the expectation

    @property
    def summary(self) -> str:
        """The failure in words: KPI value, threshold and period, or the rows that break it."""
        e = self.expectation
        head = f"[{e.severity}] {e.suite}.{e.name}: {e.description}"
        if self.error:
            return f"{head}\n    could not be evaluated on marts.{e.mart}: {self.error}"
        if self.passed:
            return f"{head} - passed ({self.checked_rows} rows of marts.{e.mart})"
        lines = [head]
        failing = [p for p in self.periods if not p.passed]
        if e.value and e.threshold:
            lines += [f"    {_month(p.period)}: {e.value} {_fmt(p.value)}, agreed "
                      f"{e.threshold} {_fmt(p.threshold)}" for p in failing[:SAMPLE_ROWS]]
            if len(failing) > SAMPLE_ROWS:
                lines.append(f"    ... and {len(failing) - SAMPLE_ROWS} more months "
                             "(marts.contract_results has them all)")
        else:
            lines.append(f"    {self.failing_rows} of {self.checked_rows} rows of "
                         f"marts.{e.mart} break it"
                         + (f", in {len(failing)} {e.period} periods" if e.period else ""))
            lines += ["    e.g. " + ", ".join(f"{k}={_fmt(v)}" for k, v in row.items())
                      for row in self.samples]
        return "\n".join(lines)


def _fmt(value: object) -> str:
    if value is None or (not isinstance(value, str | dict | list) and pd.isna(value)):
        return "null"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, pd.Timestamp | dt.datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    return str(value)


def _month(period: dt.date | None) -> str:
    return "all" if period is None else f"{period:%Y-%m}"


def _suite_name_ok(name: object) -> bool:
    return isinstance(name, str) and name.replace("_", "a").isalnum() and name.isascii()


def _expand(raw: dict, suite: str, where: str) -> list[Expectation]:
    unknown = set(raw) - EXPECTATION_KEYS
    if unknown:
        raise SuiteError(f"{where}: unknown keys {sorted(unknown)} "
                         f"(allowed: {sorted(EXPECTATION_KEYS)})")
    for key in ("name", "description", "severity", "mart", "type"):
        if not raw.get(key):
            raise SuiteError(f"{where}: {key} is missing")
    if not _suite_name_ok(raw["name"]):
        raise SuiteError(f"{where}: name must be letters, digits and underscores")
    if raw["severity"] not in SEVERITIES:
        raise SuiteError(f"{where}: severity must be one of {SEVERITIES}, "
                         f"got {raw['severity']!r}")
    report = raw.get("report") or {}
    if set(report) - REPORT_KEYS:
        raise SuiteError(f"{where}: unknown report keys {sorted(set(report) - REPORT_KEYS)}")
    variants = raw.get("for_each") or [{}]
    expectations = []
    for variant in variants:
        variant = dict(variant)
        key = variant.pop("key", None) or variant.get("column")
        name = f"{raw['name']}__{key}" if raw.get("for_each") else raw["name"]
        if not _suite_name_ok(name):
            raise SuiteError(f"{where}: for_each item {variant} needs a `key` of letters, "
                             "digits and underscores")
        expectations.append(Expectation(
            suite=suite, name=name, description=raw["description"],
            severity=raw["severity"], mart=raw["mart"], type=raw["type"],
            kwargs={**(raw.get("kwargs") or {}), **variant},
            period=report.get("period"), value=report.get("value"),
            threshold=report.get("threshold"), sample=tuple(report.get("sample") or ())))
    return expectations


def load_suite(path: Path) -> Suite:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise SuiteError(f"{path}: not valid YAML: {error}") from None
    unknown = set(raw) - SUITE_KEYS
    if unknown:
        raise SuiteError(f"{path}: unknown keys {sorted(unknown)} (allowed: {sorted(SUITE_KEYS)})")
    if not _suite_name_ok(raw.get("suite")):
        raise SuiteError(f"{path}: suite must be a name of letters, digits and underscores")
    expectations = [
        expectation
        for index, item in enumerate(raw.get("expectations") or [])
        for expectation in _expand(item, raw["suite"],
                                   f"{path} expectation #{index + 1} ({item.get('name')})")
    ]
    names = [e.name for e in expectations]
    if len(set(names)) != len(names):
        raise SuiteError(f"{path}: expectation names repeat: "
                         f"{sorted({n for n in names if names.count(n) > 1})}")
    return Suite(raw["suite"], str(raw.get("signed_by", "")), str(raw.get("description", "")),
                 path, tuple(expectations))


def suites_dir() -> Path:
    """expectations/, or $ALIGNMENT_EXPECTATIONS (a draft set of suites)."""
    return Path(os.environ.get("ALIGNMENT_EXPECTATIONS") or EXPECTATIONS_DIR)


def load_suites(folder: Path | None = None) -> list[Suite]:
    folder = folder or suites_dir()
    suites = [load_suite(path) for path in sorted(folder.glob("*.yml"))]
    names = [s.name for s in suites]
    if len(set(names)) != len(names):
        raise SuiteError(f"{folder}: suite names repeat: {names}")
    return suites


def expectation_parameters(home: Home) -> dict:
    """The `$PARAMETER`s suites may use, from the contract the warehouse was built from."""
    with connect(home, read_only=True) as con:
        versions = [row[0] for row in con.execute(
            "select version from contract.lead_definition_versions order by effective_from"
        ).fetchall()]
    return {"definition_versions": versions}


def _read_marts(home: Home, expectations: list[Expectation]) -> dict[str, pd.DataFrame]:
    wanted: dict[str, list[str]] = {}
    for e in expectations:
        wanted.setdefault(e.mart, []).extend(e.columns)
    frames = {}
    with connect(home, read_only=True) as con:
        for mart, columns in wanted.items():
            existing = dict(con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = 'marts' and table_name = ?", [mart]).fetchall())
            if not existing:
                raise SuiteError(f"marts.{mart} does not exist (named by the KPI contract)")
            picked = [c for c in dict.fromkeys(columns) if c in existing]
            select = ", ".join(_as_pandas_reads(c, existing[c]) for c in picked)
            # Through Arrow: DuckDB's df() makes a Python object of every string on the way
            # to pandas' Arrow-backed strings. In one chunk a column: GX filters the frame
            # for most expectations, and Arrow's take over DuckDB's chunks (~100 at 10M
            # leads) was slower. At 10M the marts' read took 11.4 s by df(), 2.9 s so, and
            # the suites 35 s against 22 (docs/performance.md, session 24).
            frames[mart] = con.sql(
                f'select {select or "1 as no_columns"} from marts."{mart}"'
            ).to_arrow_table().combine_chunks().to_pandas()
    return frames


def _as_pandas_reads(column: str, data_type: str) -> str:
    """The column typed as DuckDB's df() gives it to pandas, so that the expectations see the
    same frame: Arrow would bring dates, decimals and 128-bit integers (a sum of counts) as
    Python objects."""
    if data_type == "DATE":
        return f'cast("{column}" as timestamp) as "{column}"'
    if data_type.startswith("DECIMAL") or data_type in ("HUGEINT", "UHUGEINT"):
        return f'cast("{column}" as double) as "{column}"'
    return f'"{column}"'


def import_great_expectations():
    """Great Expectations as the contract uses it: no analytics, and none of the warnings that
    do not concern that use."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    # A reviewed YAML file can hold a row condition only as a string; GX 1.x still takes
    # one (with condition_parser) and the project pins great-expectations below 2.
    warnings.filterwarnings("ignore", message="The condition_parser parameter is deprecated",
                            category=DeprecationWarning)
    # GX imports pyspark when it is installed (`make test-engines` installs it); the contract
    # validates pandas frames, so pyspark's warning about pandas 3 does not concern it.
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas",
                            category=FutureWarning)
    # GX also imports pyspark's Spark Connect, whose import check exits any process whose
    # __main__ has no file (pytest-xdist's workers: pyspark takes them for its doctests). GX
    # is imported with Spark Connect unavailable; the block is lifted once it is imported.
    spark_connect = "pyspark.sql.connect"
    blocked = spark_connect not in sys.modules
    if blocked:
        sys.modules[spark_connect] = None
    try:
        import great_expectations
        from great_expectations.execution_engine import pandas_execution_engine
    finally:
        if blocked and sys.modules.get(spark_connect, "imported") is None:
            del sys.modules[spark_connect]
    # GX fingerprints every frame under this many bytes by hashing all its rows, only to note
    # the hash among the result's batch markers, which nothing here reads: at 1M leads the
    # suites took 5.0-5.8 s with it, 3.7-4.0 s without (docs/performance.md, session 19).
    pandas_execution_engine.HASH_THRESHOLD = 0
    return great_expectations


def _gx_context(reports: Path):
    gx = import_great_expectations()
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="file", project_root_dir=str(reports))
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    sites = context.variables.data_docs_sites
    sites["local_site"].setdefault("site_index_builder", {})["validation_results_limit"] = (
        DOCS_INDEX_RESULTS)
    context.variables.data_docs_sites = sites
    return context


def _period_results(e: Expectation, frame: pd.DataFrame, bad: set) -> tuple[PeriodResult, ...]:
    """One result per period (or one for the whole mart): the KPI and its threshold, or the
    number of offending rows."""
    if e.kwargs.get("row_condition"):
        frame = frame.query(e.kwargs["row_condition"])
    if e.value and e.threshold and e.period:
        judged = frame.dropna(subset=[e.value, e.threshold])
        return tuple(PeriodResult(_as_date(row[e.period]), float(row[e.value]),
                                  float(row[e.threshold]), index not in bad)
                     for index, row in judged.iterrows())
    if not e.period:
        return (PeriodResult(None, float(len(bad)), 0.0, not bad),)
    offending = pd.Series(frame.index.isin(list(bad)), index=frame.index, dtype="int64")
    counts = offending.groupby(frame[e.period]).sum()
    return tuple(PeriodResult(_as_date(period), float(count), 0.0, count == 0)
                 for period, count in counts.items())


def _as_date(value: object) -> dt.date | None:
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).date()


def run_suites(home: Home, suites: list[Suite], run_name: str) -> list[Outcome]:
    """Validate every expectation of the suites against the warehouse's marts; GX stores the
    results for render_data_docs."""
    import great_expectations as gx
    from great_expectations.constants import DATAFRAME_REPLACEMENT_STR
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )
    from great_expectations.validator.v1_validator import Validator

    expectations = [e for suite in suites for e in suite.expectations]
    frames = _read_marts(home, expectations)
    parameters = expectation_parameters(home)
    context = _gx_context(home.reports)
    source = context.data_sources.add_or_update_pandas("warehouse")
    run_id = RunIdentifier(run_name=run_name, run_time=dt.datetime.now(dt.UTC))
    outcomes = []
    for suite in suites:
        for mart in dict.fromkeys(e.mart for e in suite.expectations):
            group = [e for e in suite.expectations if e.mart == mart]
            frame = frames[mart]
            gx_suite = context.suites.add_or_update(gx.ExpectationSuite(
                name=f"{suite.name}.{mart}",
                expectations=[ExpectationConfiguration(
                    type=e.type, kwargs=e.kwargs,
                    meta={"name": e.name, "severity": e.severity,
                          "description": e.description}).to_domain_obj() for e in group],
                meta={"signed_by": suite.signed_by, "file": suite.file.name}))
            asset = next((a for a in source.assets if a.name == mart), None) or (
                source.add_dataframe_asset(mart))
            batch = next(iter(asset.batch_definitions), None) or (
                asset.add_batch_definition_whole_dataframe("whole_mart"))
            # COMPLETE: the offending rows' indexes, which the outcomes tally and sample.
            validator = Validator(batch_definition=batch, batch_parameters={"dataframe": frame},
                                  result_format={"result_format": "COMPLETE"})
            result = validator.validate_expectation_suite(gx_suite, parameters)
            by_name = {r.expectation_config.meta["name"]: r for r in result.results}
            outcomes += [_outcome(e, by_name[e.name], frame) for e in group]
            # Stored for Data Docs as ValidationDefinition.run stores a result, less the lists
            # of every offending row: Data Docs show the first ones, and GX copied and encoded
            # each list element by element (at 10M leads 21 s of the suites' 57 s under
            # cProfile, and 24 MB of JSON a run for kpi_contract_handoffs alone).
            result.meta.update(run_id=run_id, validation_time=run_id.run_time,
                               batch_parameters={"dataframe": DATAFRAME_REPLACEMENT_STR})
            for expectation_result in result.results:
                expectation_result.result = {
                    key: value for key, value in expectation_result.result.items()
                    if key not in EVERY_OFFENDING_ROW}
            suite_key = ExpectationSuiteIdentifier(name=gx_suite.name)
            context.validation_results_store.store_validation_results(
                result, ValidationResultIdentifier(
                    batch_identifier=validator.active_batch_id,
                    expectation_suite_identifier=suite_key, run_id=run_id), suite_key)
    # GX keeps the context (and its data sources) for the process, and the source's engine
    # keeps every batch it validated: the marts' frames would stay resident (at 10M leads,
    # gigabytes, while the contract's process renders Data Docs beside publication).
    batches = source.get_execution_engine().batch_manager
    batches.reset_batch_cache()
    batches.batch_data_cache.clear()
    return outcomes


def render_data_docs(home: Home, suites: list[Suite], run_name: str) -> None:
    """Render the Data Docs pages of this run's validations (run_suites) and the index; the
    pages of earlier runs are on disk already."""
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
    )

    context = _gx_context(home.reports)
    validated = {f"{suite.name}.{e.mart}" for suite in suites for e in suite.expectations}
    context.build_data_docs(resource_identifiers=[
        *(ExpectationSuiteIdentifier(name=name) for name in validated),
        *(key for key in context.validation_results_store.list_keys()
          if key.run_id.run_name == run_name)])


def _outcome(e: Expectation, result, frame: pd.DataFrame) -> Outcome:
    info = result.exception_info or {}
    if info.get("raised_exception"):
        return Outcome(e, False, len(frame), 0, (), (), info.get("exception_message"))
    bad = set(result.result.get("unexpected_index_list") or [])
    samples = tuple(
        {column: frame.at[index, column] for column in e.sample if column in frame}
        for index in sorted(bad)[:SAMPLE_ROWS])
    return Outcome(e, bool(result.success), int(result.result.get("element_count") or 0),
                   len(bad), _period_results(e, frame, bad), samples)


def data_docs_index(home: Home) -> Path:
    return home.reports / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"


def record_results(home: Home, run_id: str, outcomes: list[Outcome]) -> int:
    """Append this run's results to marts.contract_results (kept across runs)."""
    checked_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    rows = [[run_id, checked_at, o.expectation.suite, o.expectation.name,
             o.expectation.severity, o.expectation.mart, p.period, p.value, p.threshold,
             p.passed]
            for o in outcomes
            for p in (o.periods or (PeriodResult(None, None, None, o.passed),))]
    with connect(home) as con:
        con.execute("create schema if not exists marts")
        con.execute(RESULTS_DDL)
        insert_rows(con, f"marts.{RESULTS_TABLE}", rows)
    return len(rows)


@dataclass(frozen=True)
class Validation:
    """What Great Expectations found on the marts' tables of one dbt build.

    An outcome is a function of the expectation, the table it reads, the `$PARAMETER`s and
    the code that validates: a refresh that builds nothing (dbt skipped) finds the tables of
    the same build and takes the outcomes from here instead of reading them again (41 s at 10M
    leads). Views (the source freshness, which ages by the hour) are always validated.
    """
    build_run_id: str
    parameters: dict
    validator: str  # validator_version() of the code that found them
    checked: dict[str, tuple[Outcome, str]]  # Expectation.key -> (outcome, run that validated it)


def validator_version() -> str:
    """What decides an outcome besides its inputs: this module (how outcomes are read from
    Great Expectations' results) and Great Expectations' version."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(importlib.metadata.version("great-expectations").encode())
    return digest.hexdigest()


def mart_tables(home: Home) -> frozenset[str]:
    """The marts that are tables (a dbt build wrote them), not views."""
    with connect(home, read_only=True) as con:
        return frozenset(row[0] for row in con.execute(
            "select table_name from information_schema.tables "
            "where table_schema = 'marts' and table_type = 'BASE TABLE'").fetchall())


def reusable(expectations: list[Expectation], earlier: Validation | None,
             current: Validation, tables: frozenset[str]
             ) -> tuple[dict[str, tuple[Outcome, str]], list[Expectation]]:
    """The earlier outcomes that still hold, and the expectations to validate.

    current: this run's build, parameters and validator (its outcomes not yet found). An
    outcome holds when it was found on the tables of the same build with the same parameters
    and validator, for the same expectation (its kwargs, severity and report alike), on a table.
    """
    same_build = (earlier is not None and current.build_run_id
                  and (earlier.build_run_id, earlier.parameters, earlier.validator)
                  == (current.build_run_id, current.parameters, current.validator))
    reused, pending = {}, []
    for e in expectations:
        found = earlier.checked.get(e.key) if same_build else None
        if found is not None and found[0].expectation == e and e.mart in tables:
            reused[e.key] = found
        else:
            pending.append(e)
    return reused, pending


def only(suites: list[Suite], expectations: list[Expectation]) -> list[Suite]:
    """The suites cut down to these expectations (suites left with none are dropped)."""
    keys = {e.key for e in expectations}
    cut = [replace(s, expectations=tuple(e for e in s.expectations if e.key in keys))
           for s in suites]
    return [s for s in cut if s.expectations]


def _validation_file(home: Home) -> Path:
    # beside the state of the build whose tables it read (build_state.py)
    return home.dbt_target / "alignment_last_validation.pickle"


def last_validation(home: Home) -> Validation | None:
    """The last validation kept, if it can be read: one written by another version of this
    module may lack fields (and would hold for no validator_version() of this one)."""
    try:
        with _validation_file(home).open("rb") as handle:
            validation = pickle.load(handle)
    except (OSError, pickle.UnpicklingError, AttributeError, EOFError, ImportError,
            TypeError, ValueError):
        return None
    complete = isinstance(validation, Validation) and all(
        hasattr(validation, f.name) for f in fields(Validation))
    return validation if complete else None


def remember_validation(home: Home, validation: Validation) -> None:
    """Keep the outcomes on tables; written whole or not at all (a run can be killed here)."""
    path = _validation_file(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    with temporary.open("wb") as handle:
        pickle.dump(validation, handle)
    os.replace(temporary, path)
