"""The agreed lead definitions (seeds/lead_definitions.toml): read, validated, landed as tables.

The file is the one place marketing and sales sign. Nothing is built from an invalid file:
every problem is reported with the version and the field it concerns, all at once.
"""

from __future__ import annotations

import csv
import datetime as dt
import tomllib
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.home import SEEDS_DIR

# Touch types that come from the source systems themselves rather than from a mapping seed.
BUILT_IN_TOUCH_TYPES = frozenset({"form_submission", "email_open", "email_click"})
FIT_LISTS = {"industries_excluded": "industry_excluded", "countries": "country",
             "seniorities": "seniority"}
FIT_BOUNDS = ("min_employees", "max_employees")


class ContractError(ValueError):
    """The contract file breaks a rule; the message lists every problem found."""


@dataclass(frozen=True)
class DefinitionVersion:
    version: str
    effective_from: dt.datetime
    agreed_by_marketing: str
    agreed_by_sales: str
    mql_threshold: float
    scoring_window_days: int
    min_employees: int | None
    max_employees: int | None
    fit_values: dict[str, tuple[str, ...]]  # criterion -> lowercased values
    points: dict[str, float]


def known_touch_types(seeds: Path = SEEDS_DIR) -> frozenset[str]:
    """Touch types the warehouse can produce: built-ins plus those the mapping seeds name."""
    found = set(BUILT_IN_TOUCH_TYPES)
    for seed in ("form_touch_map.csv", "campaign_touch_map.csv"):
        with (seeds / seed).open(newline="", encoding="utf-8") as handle:
            found.update(row["touch_type"] for row in csv.DictReader(handle))
    return frozenset(found)


def known_seniorities(seeds: Path = SEEDS_DIR) -> frozenset[str]:
    with (seeds / "title_seniority_map.csv").open(newline="", encoding="utf-8") as handle:
        return frozenset(row["seniority"] for row in csv.DictReader(handle)) | {"individual"}


def _as_datetime(value: object) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None) if value.tzinfo is None else (
            value.astimezone(dt.timezone.utc).replace(tzinfo=None))
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    return None


def _number(raw: dict, field: str, where: str, errors: list[str], *, whole: bool = False,
            required: bool = True) -> float | int | None:
    value = raw.get(field)
    if value is None:
        if required:
            errors.append(f"{where}: {field} is missing")
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (
            whole and not isinstance(value, int)):
        errors.append(f"{where}: {field} must be a {'whole ' if whole else ''}number, "
                      f"got {value!r}")
        return None
    if value < 0:
        errors.append(f"{where}: {field} must not be negative, got {value}")
        return None
    return value


def _parse_version(raw: dict, index: int, touch_types: frozenset[str],
                   seniorities: frozenset[str], errors: list[str]) -> DefinitionVersion | None:
    name = raw.get("version")
    where = f"version {name!r}" if name else f"version #{index + 1}"
    if not name:
        errors.append(f"{where}: version is missing")
    effective_from = _as_datetime(raw.get("effective_from"))
    if effective_from is None:
        errors.append(f"{where}: effective_from must be a date, got {raw.get('effective_from')!r}")
    agreed = {}
    for side in ("marketing", "sales"):
        agreed[side] = str(raw.get(f"agreed_by_{side}") or "").strip()
        if not agreed[side]:
            errors.append(f"{where}: agreed_by_{side} is missing (who signed for {side})")
    threshold = _number(raw, "mql_threshold", where, errors)
    window = _number(raw, "scoring_window_days", where, errors, whole=True)
    if window == 0:
        errors.append(f"{where}: scoring_window_days must be at least 1")

    fit = raw.get("fit", {})
    bounds = {field: _number(fit, field, f"{where} fit", errors, whole=True, required=False)
              for field in FIT_BOUNDS}
    if None not in bounds.values() and bounds["min_employees"] > bounds["max_employees"]:
        errors.append(f"{where} fit: min_employees {bounds['min_employees']} is above "
                      f"max_employees {bounds['max_employees']}")
    fit_values = {}
    for field, criterion in FIT_LISTS.items():
        values = fit.get(field, [])
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            errors.append(f"{where} fit: {field} must be a list of names")
            continue
        fit_values[criterion] = tuple(sorted({v.strip().lower() for v in values}))
    for unknown in sorted(set(fit_values.get("seniority", ())) - seniorities):
        errors.append(f"{where} fit: seniorities names unknown seniority {unknown!r} "
                      f"(known: {', '.join(sorted(seniorities))})")

    points = raw.get("points", {})
    if not points:
        errors.append(f"{where}: points is missing")
    for touch_type in sorted(points):
        if touch_type not in touch_types:
            errors.append(f"{where} points: unknown touch type {touch_type!r} "
                          f"(known: {', '.join(sorted(touch_types))})")
        _number(points, touch_type, f"{where} points", errors)
    if not name or effective_from is None or threshold is None or window is None:
        return None
    return DefinitionVersion(
        version=str(name), effective_from=effective_from,
        agreed_by_marketing=agreed["marketing"], agreed_by_sales=agreed["sales"],
        mql_threshold=float(threshold), scoring_window_days=int(window),
        min_employees=bounds["min_employees"], max_employees=bounds["max_employees"],
        fit_values=fit_values,
        points={k: float(v) for k, v in points.items() if isinstance(v, (int, float))},
    )


def parse_contract(text: str, *, seeds: Path = SEEDS_DIR,
                   source: str = "lead_definitions.toml") -> list[DefinitionVersion]:
    """Parse and validate the contract text; raise ContractError listing every problem."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ContractError(f"{source}: not valid TOML: {error}") from None
    raw_versions = document.get("version", [])
    if not raw_versions:
        raise ContractError(f"{source}: no [[version]] defined")
    errors: list[str] = []
    touch_types, seniorities = known_touch_types(seeds), known_seniorities(seeds)
    versions = [
        parsed for index, raw in enumerate(raw_versions)
        if (parsed := _parse_version(raw, index, touch_types, seniorities, errors))
    ]
    names = [v.version for v in versions]
    for duplicate in sorted({n for n in names if names.count(n) > 1}):
        errors.append(f"version {duplicate!r}: version is defined more than once")
    for earlier, later in zip(versions, versions[1:]):
        if later.effective_from <= earlier.effective_from:
            errors.append(
                f"version {later.version!r}: effective_from {later.effective_from:%Y-%m-%d} "
                f"must be after {earlier.effective_from:%Y-%m-%d}, the start of "
                f"version {earlier.version!r} "
                "(versions are listed oldest first and may not overlap)")
    if errors:
        raise ContractError(f"{source}: invalid lead definitions:\n- " + "\n- ".join(errors))
    return versions


def load_contract(path: Path, seeds: Path = SEEDS_DIR) -> list[DefinitionVersion]:
    return parse_contract(path.read_text(encoding="utf-8"), seeds=seeds, source=str(path))


def write_contract_tables(con: duckdb.DuckDBPyConnection,
                          versions: list[DefinitionVersion]) -> None:
    """Replace the contract schema's tables in one transaction; dbt reads them as a source."""
    ends = [v.effective_from for v in versions[1:]] + [None]
    con.execute("begin transaction")
    try:
        con.execute("create schema if not exists contract")
        con.execute("""
            create or replace table contract.lead_definition_versions (
                version varchar primary key, effective_from timestamp not null,
                effective_to timestamp, mql_threshold double not null,
                scoring_window_days integer not null, min_employees bigint,
                max_employees bigint, agreed_by_marketing varchar not null,
                agreed_by_sales varchar not null, is_current boolean not null)""")
        con.execute("""create or replace table contract.lead_definition_points (
                version varchar not null, touch_type varchar not null, points double not null)""")
        con.execute("""create or replace table contract.lead_definition_fit_values (
                version varchar not null, criterion varchar not null, value varchar not null)""")
        for v, end in zip(versions, ends):
            con.execute(
                "insert into contract.lead_definition_versions values "
                "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [v.version, v.effective_from, end, v.mql_threshold, v.scoring_window_days,
                 v.min_employees, v.max_employees, v.agreed_by_marketing, v.agreed_by_sales,
                 end is None])
            if v.points:
                con.executemany("insert into contract.lead_definition_points values (?, ?, ?)",
                                [[v.version, t, p] for t, p in sorted(v.points.items())])
            fit_rows = [[v.version, c, value] for c, values in v.fit_values.items()
                        for value in values]
            if fit_rows:
                con.executemany(
                    "insert into contract.lead_definition_fit_values values (?, ?, ?)", fit_rows)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
