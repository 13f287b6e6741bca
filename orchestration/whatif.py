"""What-if: the funnel KPIs under a candidate contract, beside the current one.

The warehouse is never written: dbt rebuilds only the models the contract feeds (scoring,
handoff, funnel marts) into a scratch database, where warehouse.duckdb is attached read-only
and every other model is deferred to the warehouse's own tables. The SQL is the warehouse's
own, so a candidate is judged exactly as a signed contract would be.
"""

import csv
import datetime as dt
import json
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

import duckdb
from dbt.cli.main import dbtRunner

from orchestration.assets.dbt import dbt_vars
from orchestration.contract import (
    ContractError,
    DefinitionVersion,
    read_document,
    validate_document,
    write_contract_tables,
)
from orchestration.home import DBT_PROJECT_DIR, Home, contract_file

# (name, what it measures, SQL over one fct_lead_funnel). Handoff KPIs count marketing's leads.
KPIS = (
    ("mqls", "journeys the contract calls MQL", "count(mql_at)"),
    ("sales_ready_leads", "journeys handed over to sales (SRL)",
     "count(*) filter (where is_handed_over)"),
    ("marketing_handed_over", "marketing-sourced leads handed over",
     "count(*) filter (where is_handed_over and sourced_by = 'marketing')"),
    ("marketing_accepted", "of those, accepted by sales",
     "count(*) filter (where is_handed_over and sourced_by = 'marketing' and is_accepted)"),
    ("acceptance_rate", "accepted / handed over (marketing-sourced)",
     "(count(*) filter (where is_handed_over and sourced_by = 'marketing' and is_accepted))"
     " / nullif(count(*) filter (where is_handed_over and sourced_by = 'marketing'), 0)"),
    ("mql_to_sql", "MQLs that became SQL / MQLs",
     "count(*) filter (where mql_at is not null and sql_at is not null)"
     " / nullif(count(mql_at), 0)"),
    ("sql_to_won", "handed-over SQLs won / handed-over SQLs",
     "count(*) filter (where is_handed_over and sql_at is not null and won_at is not null)"
     " / nullif(count(*) filter (where is_handed_over and sql_at is not null), 0)"),
    ("marketing_pipeline", "opportunity amount of marketing leads handed over",
     "coalesce(sum(amount) filter (where is_handed_over and sourced_by = 'marketing'"
     " and opportunity_id is not null), 0)"),
    ("marketing_revenue", "won amount of marketing leads handed over",
     "coalesce(sum(amount) filter (where is_handed_over and sourced_by = 'marketing'"
     " and won_at is not null), 0)"),
)

# Leads whose class differs between the two contracts: (name, SQL condition on c and w).
CHANGES = (
    ("became_mql", "c.mql_at is null and w.mql_at is not null"),
    ("no_longer_mql", "c.mql_at is not null and w.mql_at is null"),
    ("became_handed_over", "not c.is_handed_over and w.is_handed_over"),
    ("no_longer_handed_over", "c.is_handed_over and not w.is_handed_over"),
)


def _value(text: str) -> object:
    """A --set value in TOML syntax (60, 2.5, true, ["a", "b"]); anything else is text."""
    try:
        return tomllib.loads(f"value = {text}")["value"]
    except tomllib.TOMLDecodeError:
        return text


def apply_settings(document: dict, settings: list[str]) -> dict:
    """Apply `key=value` edits (dotted keys: points.webinar_attended) to the latest version."""
    latest = document["version"][-1]
    for setting in settings:
        key, sep, raw = setting.partition("=")
        if not sep or not key.strip():
            raise ContractError(f"--set {setting!r}: expected key=value, e.g. mql_threshold=60")
        *tables, leaf = key.strip().split(".")
        target = latest
        for table in tables:
            target = target.setdefault(table, {})
            if not isinstance(target, dict):
                raise ContractError(f"--set {setting!r}: {table} is not a table of settings")
        target[leaf] = _value(raw.strip())
    return document


def candidate_versions(settings: list[str],
                       candidate_file: Path | None = None) -> list[DefinitionVersion]:
    """The candidate: a whole contract file, or the current one with --set edits."""
    source = candidate_file or contract_file()
    document = read_document(source.read_text(encoding="utf-8"), str(source))
    return validate_document(apply_settings(document, settings), source=f"candidate ({source})")


@dataclass(frozen=True)
class WhatIfReport:
    rows: list[dict]  # kpi, description, current, candidate, change
    csv_path: Path
    json_path: Path


def _rebuild_under_candidate(home: Home, scratch: Path,
                             versions: list[DefinitionVersion]) -> None:
    state = home.dbt_target / "manifest.json"
    if not state.exists():
        raise FileNotFoundError(f"no refreshed warehouse to compare with ({state} is missing): "
                                "run `alignment refresh` first")
    scratch.unlink(missing_ok=True)
    with duckdb.connect(str(scratch)) as con:
        write_contract_tables(con, versions)
        # The scoring models mark their rows with the newest load (dbt_project/macros/
        # incremental.sql: newest_load), which they read from the landing source.
        con.execute(f"attach '{home.warehouse}' as warehouse (read_only)")
        con.execute("create schema raw")
        con.execute("create table raw.load_manifest as "
                    "select * from warehouse.raw.load_manifest")
    os.environ["ALIGNMENT_WHATIF_PATH"] = str(scratch)
    home.export()
    # Judge the candidate the way the warehouse was judged: versions in effect, or restated.
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        restated = con.execute("select count(*) > 0 from marts.fct_lead_funnel "
                               "where judged_by = 'current_version_restated'").fetchone()[0]
    result = dbtRunner().invoke([
        "run", "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
        "--target", "whatif", "--exclude", "resource_type:test",
        # Only the models between the contract and the funnel: the KPIs read nothing else.
        "--select", "source:contract+,+fct_lead_funnel",
        "--defer", "--state", str(home.dbt_target), "--vars", json.dumps(dbt_vars(restate=restated)),
        "--target-path", str(scratch.parent / "target"), "--log-path", str(scratch.parent),
        "--quiet",
    ])
    if not result.success:
        raise RuntimeError(f"what-if dbt run failed: {result.exception or 'see '}"
                           f"{scratch.parent / 'dbt.log'}")


def _compare(scratch: Path, home: Home) -> list[dict]:
    with duckdb.connect(str(scratch)) as con:
        con.execute(f"attach '{home.warehouse}' as warehouse (read_only)")
        kpis = ", ".join(f"{sql} as {name}" for name, _, sql in KPIS)
        current = con.execute(f"select {kpis} from warehouse.marts.fct_lead_funnel").fetchone()
        candidate = con.execute(f"select {kpis} from whatif.marts.fct_lead_funnel").fetchone()
        changes = con.execute(
            "select " + ", ".join(f"count(*) filter (where {cond})" for _, cond in CHANGES)
            + " from warehouse.marts.fct_lead_funnel as c"
            " inner join whatif.marts.fct_lead_funnel as w using (journey_id)").fetchone()
    rows = [{"kpi": name, "description": text, "current": now, "candidate": then,
             "change": None if now is None or then is None else then - now}
            for (name, text, _), now, then in zip(KPIS, current, candidate, strict=True)]
    rows += [{"kpi": name, "description": "journeys", "current": None, "candidate": count,
              "change": count} for (name, _), count in zip(CHANGES, changes, strict=True)]
    return rows


def run_whatif(home: Home, versions: list[DefinitionVersion], label: str) -> WhatIfReport:
    """Rebuild the contract's models under the candidate and compare KPIs; write reports."""
    scratch = home.reports / "whatif" / "whatif.duckdb"
    scratch.parent.mkdir(parents=True, exist_ok=True)
    _rebuild_under_candidate(home, scratch, versions)
    rows = _compare(scratch, home)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    base = home.reports / f"whatif-{stamp}"
    csv_path, json_path = base.with_suffix(".csv"), base.with_suffix(".json")
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    json_path.write_text(json.dumps({"candidate": label, "created_at": stamp, "kpis": rows},
                                    indent=2), encoding="utf-8")
    return WhatIfReport(rows, csv_path, json_path)


RATES = {"acceptance_rate", "mql_to_sql", "sql_to_won"}
KPIS_BY_NAME = {name: text for name, text, _ in KPIS}


def format_table(rows: list[dict]) -> str:
    def show(value: object, kpi: str) -> str:
        if value is None:
            return "—"
        return f"{value:+.3f}"[1:] if kpi in RATES and value >= 0 else (
            f"{value:.3f}" if kpi in RATES else f"{value:,.0f}")

    kpis = [r for r in rows if r["kpi"] in KPIS_BY_NAME]
    lines = [f"{'kpi':<24}{'current':>16}{'candidate':>16}{'change':>16}"]
    lines += [f"{r['kpi']:<24}{show(r['current'], r['kpi']):>16}"
              f"{show(r['candidate'], r['kpi']):>16}{show(r['change'], r['kpi']):>16}"
              for r in kpis]
    changed = [f"{r['kpi'].replace('_', ' ')} {r['change']:,}" for r in rows if r not in kpis]
    return "\n".join(lines) + "\nleads changing class: " + ", ".join(changed)
