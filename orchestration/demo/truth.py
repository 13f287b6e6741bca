"""The ground truth: what the generator designed, for the warehouse's tests to reconcile with."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field

import numpy as np
import pyarrow as pa

from orchestration.demo import clock
from orchestration.demo.arrays import ABSENT, masked, strings
from orchestration.demo.contract import DEFINITIONS_VERSION, LEAD_SOURCES, STATUSES
from orchestration.demo.knobs import DemoKnobs
from orchestration.demo.leads import MQL_LATE, PATHS, SOURCED_BY, Leads

TRUTH_FILE = "demo_truth.json"
ORPHAN_KINDS = ("opportunity_account_missing", "lead_converted_opportunity_missing")
DETAIL_FOLDER = "demo_truth"


@dataclass
class TableCount:
    rows: int = 0  # data rows written, malformed and repeated rows included
    malformed: int = 0  # rows a loader must quarantine
    repeated: int = 0  # valid rows that repeat an id (re-exports); the latest version wins
    files: list[str] = field(default_factory=list)


@dataclass
class Tally:
    """Counters summed over chunks."""

    tables: dict[str, TableCount] = field(default_factory=dict)
    paths: Counter = field(default_factory=Counter)
    sourced_by: Counter = field(default_factory=Counter)
    lead_sources: Counter = field(default_factory=Counter)
    final_statuses: Counter = field(default_factory=Counter)
    speed: Counter = field(default_factory=Counter)
    converted: int = 0
    opportunities: int = 0
    won: int = 0
    lost: int = 0
    hubspot_contacts_of_leads: int = 0
    email_only_matches: int = 0
    hubspot_only: int = 0
    merged_duplicates: int = 0
    merged_leads: int = 0
    orphans: dict[str, list[str]] = field(default_factory=dict)

    def table(self, name: str) -> TableCount:
        return self.tables.setdefault(name, TableCount())

    def add_file(self, name: str, relative: str, rows: int, malformed: int = 0,
                 repeated: int = 0) -> None:
        count = self.table(name)
        count.rows += rows
        count.malformed += malformed
        count.repeated += repeated
        count.files.append(relative)


def speed_buckets(mql_at: np.ndarray, first_touch: np.ndarray) -> Counter:
    delay = first_touch - mql_at
    never = first_touch == ABSENT
    return Counter({
        "within_1h": int(np.sum(~never & (delay <= clock.HOUR))),
        "1h_to_24h": int(np.sum(~never & (delay > clock.HOUR) & (delay <= clock.DAY))),
        "over_24h": int(np.sum(~never & (delay > clock.DAY))),
        "never": int(np.sum(never)),
    })


def lead_detail(leads: Leads, status: np.ndarray, first_sales_touch: np.ndarray,
                contact_id: pa.Array, opportunity_id: pa.Array, won: np.ndarray,
                score: np.ndarray, reexported: np.ndarray) -> pa.Table:
    """One row per real lead: the designed journey, to check the warehouse lead by lead."""
    steps = leads.steps
    accepted_at = np.where(leads.path == MQL_LATE, steps["reaccept"], np.where(
        leads.ever_accepted, steps["decide"], ABSENT))
    ts = pa.timestamp("s", tz="UTC")

    def moments(values: np.ndarray) -> pa.Array:
        return pa.array(values, type=ts, mask=values == ABSENT)

    return pa.table({
        "lead_id": leads.ids,
        "hubspot_contact_id": contact_id,
        "sourced_by": strings(SOURCED_BY, leads.sourced_by),
        "lead_source": strings(LEAD_SOURCES, leads.source),
        "path": strings(PATHS, leads.path),
        "is_mql": pa.array(leads.mql),
        "mql_at": moments(np.where(leads.mql, steps["cross"], ABSENT)),
        "score_at_export": pa.array(score),
        "first_sales_touch_at": moments(first_sales_touch),
        "ever_accepted": pa.array(leads.ever_accepted),
        "accepted_at": moments(accepted_at),
        "final_status": strings(STATUSES, status),
        "converted_opportunity_id": opportunity_id,
        "opportunity_won": masked(pa.array(won), leads.converted),
        "email_only_match": pa.array(leads.email_only),
        "reexported": pa.array(reexported),
    })


def summary(tally: Tally, knobs: DemoKnobs, seed: int, leads: int, chunks: int,
            detail_files: dict[str, list[str]]) -> dict:
    p = tally.paths
    marketing = sum(p[name] for name in PATHS[:7])
    mql = sum(p[name] for name in PATHS[2:7])
    mql_accepted = p["mql_accepted"] + p["mql_accepted_after_recycle"]
    sales = p["sales_sourced"]
    partner_accepted = p["partner_accepted"]
    sal = mql_accepted + sales + partner_accepted
    return {
        "generator": {"seed": seed, "leads": leads, "chunks": chunks,
                      "chunk_leads": knobs.chunk_leads},
        "window": {
            "leads_created_from": "2024-11-01T00:00:00Z",
            "leads_created_to": "2026-10-31T23:59:59Z",
            "export_at": "2026-11-01T00:00:00Z",
        },
        "definitions_version": DEFINITIONS_VERSION,
        "knobs": asdict(knobs),
        "counts": {name: asdict(count) for name, count in sorted(tally.tables.items())},
        "leads": {
            "total": sum(tally.sourced_by.values()),
            "by_sourced_by": {k: tally.sourced_by[k] for k in SOURCED_BY},
            "by_lead_source": dict(sorted(tally.lead_sources.items())),
            "by_path": {k: p[k] for k in PATHS},
            "by_final_status": dict(sorted(tally.final_statuses.items())),
            "merged_away": tally.merged_leads,
        },
        "funnel": {
            "marketing_leads": marketing,
            "marketing_mql": mql,
            "marketing_mql_accepted": mql_accepted,
            "marketing_mql_accepted_after_recycle": p["mql_accepted_after_recycle"],
            "marketing_mql_rejected": p["mql_rejected"] + p["mql_rejected_recycled"],
            "marketing_mql_recycled": p["mql_rejected_recycled"]
            + p["mql_accepted_after_recycle"],
            "marketing_mql_ignored": p["mql_ignored"],
            "acceptance_rate_observed": mql_accepted / mql if mql else None,
            "engaged_unfit": p["engaged_unfit"],
            "sales_sourced_accepted": sales,
            "partner_accepted": partner_accepted,
            "sal_total": sal,
            "sales_sourced_share_observed": sales / sal if sal else None,
            "converted_leads": tally.converted,
            "opportunities": tally.opportunities,
            "won": tally.won,
            "lost": tally.lost,
            "open": tally.opportunities - tally.won - tally.lost,
        },
        "speed_to_lead": dict(tally.speed),
        "hubspot": {
            "contacts_of_marketing_leads": tally.hubspot_contacts_of_leads,
            "email_only_matches": tally.email_only_matches,
            "merged_duplicates": tally.merged_duplicates,
        },
        "hubspot_only_contacts": {
            "count": tally.hubspot_only,
            "files": detail_files["hubspot_only_contacts"],
        },
        "orphans": {
            **{kind: len(tally.orphans.get(kind, [])) for kind in ORPHAN_KINDS},
            "ids": {kind: tally.orphans.get(kind, []) for kind in ORPHAN_KINDS},
        },
        "detail_files": detail_files,
    }
