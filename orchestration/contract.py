"""The agreed lead definitions (seeds/lead_definitions.toml): read, validated, landed as tables.

The file is the one place marketing and sales sign. Nothing is built from an invalid file:
every problem is reported with the version and the field it concerns, all at once.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import tomllib
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.home import SEEDS_DIR
from orchestration.warehouse import insert_rows

# Touch types that come from the source systems themselves rather than from a mapping seed.
BUILT_IN_TOUCH_TYPES = frozenset({"form_submission", "email_open", "email_click"})
# TOML list under [version.fit] -> list_name in contract.lead_definition_values.
FIT_LISTS = {"industries_excluded": "industry_excluded", "countries": "country",
             "seniorities": "seniority"}
FIT_BOUNDS = ("min_employees", "max_employees")
# Whole-number settings of a version: (TOML table, key, smallest allowed value).
DAY_SETTINGS = (("handoff", "disposition_days", 1), ("recycle", "stalled_days", 1),
                ("recycle", "cooldown_days", 0), ("recycle", "nurture_window_days", 1))


@dataclass(frozen=True)
class Commitment:
    kind: str  # 'count' (whole number), 'rate' (0..1), 'amount' or 'days' (whole number)
    side: str  # who signs for it
    promise: str  # in words, for docs/definitions.md


# [version.commitments]: the KPI targets each side signs, checked by the suites in
# expectations/. A commitment left out is not agreed, and its expectation judges nothing.
COMMITMENTS = {
    "min_sales_ready_leads_per_month": Commitment(
        "count", "marketing", "sales-ready leads handed over per complete month, at least"),
    "min_acceptance_rate": Commitment(
        "rate", "marketing", "share of the month's handoffs sales accept, at least"),
    "max_cost_per_sales_ready_lead": Commitment(
        "amount", "marketing", "spend per sales-ready lead in a month, at most"),
    "min_sla_compliance_rate": Commitment(
        "rate", "sales",
        "share of the month's decided handoffs first touched within the SLA, at least"),
    "max_days_unworked": Commitment(
        "days", "sales",
        "days a handed-over lead may wait to be worked (touched, accepted or rejected), at most"),
}


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
    # list_name -> values: the fit lists and srl_intent_touch_type (lowercased), and
    # accepted_status (as the CRM spells it)
    lists: dict[str, tuple[str, ...]]
    points: dict[str, float]
    srl_min_score: float
    sla_hours: float
    sla_business_hours: bool
    rejection_reasons: dict[str, str]  # reason code -> what it means
    days: dict[str, int]  # disposition_days, stalled_days, cooldown_days, nurture_window_days
    commitments: dict[str, float | None]  # every name of COMMITMENTS; None: not agreed


def known_touch_types(seeds: Path = SEEDS_DIR) -> frozenset[str]:
    """Touch types the warehouse can produce: built-ins plus those the mapping seeds name."""
    found = set(BUILT_IN_TOUCH_TYPES)
    for seed in ("form_touch_map.csv", "campaign_touch_map.csv"):
        found.update(row["touch_type"] for row in _seed_rows(seeds, seed))
    return frozenset(found)


def _seed_rows(seeds: Path, name: str) -> list[dict[str, str]]:
    with (seeds / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def known_seniorities(seeds: Path = SEEDS_DIR) -> frozenset[str]:
    return frozenset(r["seniority"] for r in _seed_rows(seeds, "title_seniority_map.csv")) | {
        "individual"}


def lead_status_stages(seeds: Path = SEEDS_DIR) -> dict[str, tuple[str, str]]:
    """Lowercased lead status -> (funnel stage, rejection reason code) from the status map."""
    return {r["lead_status"].strip().lower(): (r["funnel_stage"], r["rejection_reason"] or "")
            for r in _seed_rows(seeds, "lead_status_map.csv")}


def _as_datetime(value: object) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None) if value.tzinfo is None else (
            value.astimezone(dt.UTC).replace(tzinfo=None))
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


@dataclass(frozen=True)
class _Vocabulary:
    """What the mapping seeds define, which the contract may only refer to."""

    touch_types: frozenset[str]
    seniorities: frozenset[str]
    statuses: dict[str, tuple[str, str]]

    @classmethod
    def from_seeds(cls, seeds: Path) -> _Vocabulary:
        return cls(known_touch_types(seeds), known_seniorities(seeds), lead_status_stages(seeds))


def _names(table: dict, field: str, where: str, errors: list[str],
           lower: bool = True) -> tuple[str, ...]:
    """A list of names, trimmed, without repeats; lowercased unless shown as spelled."""
    values = table.get(field, [])
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        errors.append(f"{where}: {field} must be a list of names")
        return ()
    return tuple(sorted({v.strip().lower() if lower else v.strip() for v in values}))


def _parse_handoff(raw: dict, where: str, vocabulary: _Vocabulary,
                   errors: list[str]) -> tuple[float | None, bool, tuple[str, ...]]:
    handoff = raw.get("handoff", {})
    sla_hours = _number(handoff, "sla_hours", f"{where} handoff", errors)
    if sla_hours == 0:
        errors.append(f"{where} handoff: sla_hours must be above 0")
    business_hours = handoff.get("business_hours", False)
    if not isinstance(business_hours, bool):
        errors.append(f"{where} handoff: business_hours must be true or false")
    # Spelled as in the CRM, for people to read; matched case-insensitively.
    accepted = _names(handoff, "accepted_statuses", f"{where} handoff", errors, lower=False)
    if not accepted:
        errors.append(f"{where} handoff: accepted_statuses is missing (which Lead Status "
                      "values mean sales accepted the lead)")
    for status in accepted:
        stage = vocabulary.statuses.get(status.lower(), (None, ""))[0]
        if stage is None:
            errors.append(f"{where} handoff: accepted_statuses names {status!r}, which "
                          "seeds/lead_status_map.csv does not list")
        elif stage in ("rejected", "recycled", "new"):
            errors.append(f"{where} handoff: accepted_statuses names {status!r}, which "
                          f"seeds/lead_status_map.csv maps to {stage!r}")
    return sla_hours, bool(business_hours), accepted


def _parse_reasons(raw: dict, where: str, vocabulary: _Vocabulary,
                   errors: list[str]) -> dict[str, str]:
    reasons = raw.get("rejection_reasons", {})
    if not reasons:
        errors.append(f"{where}: rejection_reasons is missing")
    cleaned = {code.strip().lower(): str(text) for code, text in reasons.items()}
    used = sorted({reason for _, reason in vocabulary.statuses.values() if reason})
    for code in used:
        if code not in cleaned:
            errors.append(f"{where} rejection_reasons: reason code {code!r} used by "
                          "seeds/lead_status_map.csv is not declared")
    return cleaned


def _parse_commitments(raw: dict, where: str, errors: list[str]) -> dict[str, float | None]:
    table = raw.get("commitments", {})
    for unknown in sorted(set(table) - set(COMMITMENTS)):
        errors.append(f"{where} commitments: unknown commitment {unknown!r} "
                      f"(known: {', '.join(COMMITMENTS)})")
    parsed: dict[str, float | None] = {}
    for name, commitment in COMMITMENTS.items():
        value = _number(table, name, f"{where} commitments", errors,
                        whole=commitment.kind in ("count", "days"), required=False)
        if commitment.kind == "rate" and value is not None and value > 1:
            errors.append(f"{where} commitments: {name} is a share between 0 and 1, "
                          f"got {value}")
        parsed[name] = None if value is None else float(value)
    return parsed


def _parse_version(raw: dict, index: int, vocabulary: _Vocabulary,
                   errors: list[str]) -> DefinitionVersion | None:
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
    lists = {name_: _names(fit, field, f"{where} fit", errors)
             for field, name_ in FIT_LISTS.items()}
    for unknown in sorted(set(lists["seniority"]) - vocabulary.seniorities):
        errors.append(f"{where} fit: seniorities names unknown seniority {unknown!r} "
                      f"(known: {', '.join(sorted(vocabulary.seniorities))})")

    points = raw.get("points", {})
    if not points:
        errors.append(f"{where}: points is missing")
    known = ", ".join(sorted(vocabulary.touch_types))
    for touch_type in sorted(points):
        if touch_type not in vocabulary.touch_types:
            errors.append(f"{where} points: unknown touch type {touch_type!r} (known: {known})")
        _number(points, touch_type, f"{where} points", errors)

    srl = raw.get("srl", {})
    srl_min_score = _number(srl, "min_score", f"{where} srl", errors, required=False)
    if None not in (srl_min_score, threshold) and srl_min_score < threshold:
        errors.append(f"{where} srl: min_score {srl_min_score} is below the mql_threshold "
                      f"{threshold} (a sales-ready lead is an MQL first)")
    lists["srl_intent_touch_type"] = _names(srl, "intent_touch_types", f"{where} srl", errors)
    for touch_type in lists["srl_intent_touch_type"]:
        if touch_type not in vocabulary.touch_types:
            errors.append(f"{where} srl: unknown touch type {touch_type!r} in "
                          f"intent_touch_types (known: {known})")
    sla_hours, business_hours, lists["accepted_status"] = _parse_handoff(
        raw, where, vocabulary, errors)
    reasons = _parse_reasons(raw, where, vocabulary, errors)
    days = {}
    for table, field, smallest in DAY_SETTINGS:
        value = _number(raw.get(table, {}), field, f"{where} {table}", errors, whole=True)
        if value is not None and value < smallest:
            errors.append(f"{where} {table}: {field} must be at least {smallest}")
        days[field] = value
    if (not name or effective_from is None or threshold is None or window is None
            or sla_hours is None or None in days.values()):
        return None
    return DefinitionVersion(
        version=str(name), effective_from=effective_from,
        agreed_by_marketing=agreed["marketing"], agreed_by_sales=agreed["sales"],
        mql_threshold=float(threshold), scoring_window_days=int(window),
        min_employees=bounds["min_employees"], max_employees=bounds["max_employees"],
        lists=lists,
        points={k: float(v) for k, v in points.items() if isinstance(v, (int, float))},
        srl_min_score=float(threshold if srl_min_score is None else srl_min_score),
        sla_hours=float(sla_hours), sla_business_hours=business_hours,
        rejection_reasons=reasons, days=days,
        commitments=_parse_commitments(raw, where, errors),
    )


def read_document(text: str, source: str = "lead_definitions.toml") -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ContractError(f"{source}: not valid TOML: {error}") from None


def parse_contract(text: str, *, seeds: Path = SEEDS_DIR,
                   source: str = "lead_definitions.toml") -> list[DefinitionVersion]:
    """Parse and validate the contract text; raise ContractError listing every problem."""
    return validate_document(read_document(text, source), seeds=seeds, source=source)


def validate_document(document: dict, *, seeds: Path = SEEDS_DIR,
                      source: str = "lead_definitions.toml") -> list[DefinitionVersion]:
    """Validate a parsed contract; raise ContractError listing every problem."""
    raw_versions = document.get("version", [])
    if not raw_versions:
        raise ContractError(f"{source}: no [[version]] defined")
    errors: list[str] = []
    vocabulary = _Vocabulary.from_seeds(seeds)
    versions = [
        parsed for index, raw in enumerate(raw_versions)
        if (parsed := _parse_version(raw, index, vocabulary, errors))
    ]
    names = [v.version for v in versions]
    for duplicate in sorted({n for n in names if names.count(n) > 1}):
        errors.append(f"version {duplicate!r}: version is defined more than once")
    for earlier, later in itertools.pairwise(versions):
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
                max_employees bigint, srl_min_score double not null,
                sla_hours double not null, sla_business_hours boolean not null,
                disposition_days integer not null, stalled_days integer not null,
                cooldown_days integer not null, nurture_window_days integer not null,
                agreed_by_marketing varchar not null, agreed_by_sales varchar not null,
                is_current boolean not null, """
                + ", ".join(f"{name} double" for name in COMMITMENTS) + ")")
        con.execute("""create or replace table contract.lead_definition_points (
                version varchar not null, touch_type varchar not null, points double not null)""")
        con.execute("""create or replace table contract.lead_definition_values (
                version varchar not null, list_name varchar not null, value varchar not null)""")
        con.execute("""create or replace table contract.lead_definition_reasons (
                version varchar not null, reason_code varchar not null,
                description varchar not null)""")
        for v, end in zip(versions, ends, strict=True):
            con.execute(
                "insert into contract.lead_definition_versions values "
                f"({', '.join('?' * (17 + len(COMMITMENTS)))})",
                [v.version, v.effective_from, end, v.mql_threshold, v.scoring_window_days,
                 v.min_employees, v.max_employees, v.srl_min_score, v.sla_hours,
                 v.sla_business_hours, v.days["disposition_days"], v.days["stalled_days"],
                 v.days["cooldown_days"], v.days["nurture_window_days"],
                 v.agreed_by_marketing, v.agreed_by_sales, end is None,
                 *(v.commitments[name] for name in COMMITMENTS)])
            rows = {
                "lead_definition_points": [[v.version, t, p] for t, p in sorted(v.points.items())],
                "lead_definition_values": [[v.version, name, value]
                                           for name, values in sorted(v.lists.items())
                                           for value in values],
                "lead_definition_reasons": [[v.version, code, text]
                                            for code, text in sorted(v.rejection_reasons.items())],
            }
            for table, values in rows.items():
                insert_rows(con, f"contract.{table}", values)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
