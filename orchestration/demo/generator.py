"""generate(): the whole demo company, chunk by chunk, into home/landing/ plus its ground truth."""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pyarrow as pa

from orchestration.demo import clock
from orchestration.demo.arrays import IdAllocator
from orchestration.demo.campaigns import (
    PLATFORMS,
    ad_spend,
    email_campaigns,
    expected_paid_leads,
    make_campaigns,
)
from orchestration.demo.chunk import World, build_chunk
from orchestration.demo.companies import account_table, make_accounts, pool_size
from orchestration.demo.dirt import MALFORMED, with_malformed
from orchestration.demo.hubspot import FIVETRAN_SYNCED
from orchestration.demo.knobs import DemoKnobs, plan_sourcing
from orchestration.demo.leads import chunk_specs
from orchestration.demo.truth import DETAIL_FOLDER, TRUTH_FILE, Tally, summary
from orchestration.demo.users import make_users
from orchestration.demo.writers import fivetran_salesforce, write
from orchestration.landing import landing_object

# Landing table -> file format. Mostly CSV with API names, as Data Loader exports; the
# opportunity export comes from Fivetran (snake_case, gzip), HubSpot events as JSON lines.
FORMATS = {
    "salesforce__user": "csv",
    "salesforce__account": "csv",
    "salesforce__lead": "csv",
    "salesforce__lead_history": "csv",
    "salesforce__contact": "csv",
    "salesforce__opportunity": "csv.gz",
    "salesforce__opportunity_history": "csv",
    "salesforce__opportunity_contact_role": "csv",
    "salesforce__campaign": "csv",
    "salesforce__campaign_member": "csv",
    "salesforce__task": "csv",
    "salesforce__event": "csv",
    "hubspot__contacts": "csv",
    "hubspot__form_submissions": "csv",
    "hubspot__email_events": "jsonl",
    "hubspot__email_campaigns": "jsonl.gz",
    "ads__spend": "parquet",
}
_FIVETRAN = {"salesforce__opportunity"}
DEFAULT_KNOBS = DemoKnobs()
# The platform whose file carries the malformed ad row.
_DIRTY_PLATFORM = PLATFORMS[0].name


def _stem(name: str) -> str:
    obj = landing_object(name)
    return obj.name.lower() if name in _FIVETRAN else obj.name


def _relative(name: str, suffix: str | None, platform: str | None = None) -> str:
    obj = landing_object(name)
    folder = f"{obj.system}/{platform}" if obj.partition_column else f"{obj.system}/{obj.name}"
    file = _stem(name) + (f"_{suffix}" if suffix else "")
    return f"{folder}/{file}.{FORMATS[name]}"


def _clear(home: Path) -> None:
    """Remove files an earlier run wrote, so a smaller run leaves no stale part files."""
    landing = home / "landing"
    for name in FORMATS:
        obj = landing_object(name)
        folders = ([landing / obj.system / p.name for p in PLATFORMS] if obj.partition_column
                   else [landing / obj.system / obj.name])
        for folder in folders:
            for old in folder.glob(_stem(name) + "*"):
                old.unlink()
    for old in (home / DETAIL_FOLDER).glob("*.parquet"):
        old.unlink()
    (home / TRUTH_FILE).unlink(missing_ok=True)


class _Landing:
    """Writes landing files on a background thread and counts their rows into the tally.

    Arrow and DuckDB release the GIL while writing, so one chunk's files are written while
    the next chunk is generated. `flush` waits for the pending writes: calling it before
    handing over the next chunk keeps at most two chunks in memory.
    """

    def __init__(self, home: Path, tally: Tally) -> None:
        self.home = home
        self.landing = home / "landing"
        self.tally = tally
        self._pool = ThreadPoolExecutor(max_workers=1)
        self._pending: list[Future] = []

    def flush(self) -> None:
        for future in self._pending:
            future.result()
        self._pending.clear()

    def close(self) -> None:
        self.flush()
        self._pool.shutdown()

    def _submit(self, table: pa.Table, path: Path, fmt: str) -> None:
        self._pending.append(self._pool.submit(write, table, path, fmt))

    def put_detail(self, table: pa.Table, relative: str) -> None:
        self._submit(table, self.home / relative, "parquet")

    def put(self, name: str, table: pa.Table, suffix: str | None = None, dirty: bool = False,
            repeated: int = 0, platform: str | None = None) -> None:
        fmt = FORMATS[name]
        malformed = 0
        if dirty and name in MALFORMED:
            table, malformed = with_malformed(table, name, typed=fmt == "parquet")
        if name in _FIVETRAN:
            synced = np.full(table.num_rows, FIVETRAN_SYNCED)
            table = fivetran_salesforce(table, clock.iso_utc(synced))
        relative = _relative(name, suffix, platform)
        self._submit(table, self.landing / relative, fmt)
        self.tally.add_file(name, relative, table.num_rows, malformed, repeated)


def _reference(rng: np.random.Generator, leads: int, knobs: DemoKnobs, out: _Landing,
               ids: IdAllocator) -> World:
    """Users, accounts, campaigns and ad spend: shared by all chunks, written once."""
    users = make_users(rng, leads, ids)
    accounts = make_accounts(rng, pool_size(leads), users.ae, ids)
    campaigns = make_campaigns(rng, leads, ids)
    out.put("salesforce__user", users.table)
    out.put("salesforce__account", account_table(accounts, users), dirty=True)
    out.put("salesforce__campaign", campaigns.table, dirty=True)
    out.put("hubspot__email_campaigns", email_campaigns())
    marketing = sum(plan_sourcing(s.leads, knobs).marketing
                    for s in chunk_specs(leads, knobs.chunk_leads))
    spend = ad_spend(rng, expected_paid_leads(marketing, knobs.mql_rate))
    for platform, table in spend.items():
        out.put("ads__spend", table, suffix="daily", dirty=platform == _DIRTY_PLATFORM,
                platform=platform)
    return World(users, accounts, campaigns)


def generate(home: Path, leads: int, seed: int = 42, knobs: DemoKnobs = DEFAULT_KNOBS,
             progress: Callable[[str], None] | None = None) -> dict:
    """Write the demo company's exports under home/landing/ and return the ground truth.

    The truth is also written to home/demo_truth.json, with per-lead detail under
    home/demo_truth/. Same seed, leads and knobs give byte-identical files.
    """
    if leads < 1:
        raise ValueError("leads must be at least 1")
    home = Path(home)
    say = progress or (lambda _message: None)
    _clear(home)
    tally = Tally()
    out = _Landing(home, tally)
    ids = IdAllocator()
    specs = chunk_specs(leads, knobs.chunk_leads)
    details: dict[str, list[str]] = {"leads": [], "hubspot_only_contacts": []}
    try:
        world = _reference(np.random.default_rng([seed, 0]), leads, knobs, out, ids)
        say(f"reference data: {len(world.users.ids)} users, {world.accounts.size} accounts, "
            f"{world.campaigns.table.num_rows} campaigns")
        for spec in specs:
            chunk = build_chunk(np.random.default_rng([seed, spec.index + 1]), spec, knobs,
                                world, ids, tally)
            out.flush()
            for name, table in chunk.tables.items():
                out.put(name, table, suffix=spec.part, dirty=spec.index == 0)
            out.put("salesforce__lead", chunk.lead_reexport,
                    suffix=f"reexport_{clock.EXPORT_DATE}_{spec.part}",
                    repeated=chunk.lead_reexport.num_rows)
            for kind, table in (("leads", chunk.lead_detail),
                                ("hubspot_only_contacts", chunk.hubspot_only)):
                relative = f"{DETAIL_FOLDER}/{kind}_{spec.part}.parquet"
                out.put_detail(table, relative)
                details[kind].append(relative)
            say(f"chunk {spec.index + 1}/{len(specs)}: {spec.leads} leads generated")
    finally:
        out.close()

    truth = summary(tally, knobs, seed, leads, len(specs), details)
    (home / TRUTH_FILE).write_text(json.dumps(truth, indent=2, ensure_ascii=False) + "\n",
                                   encoding="utf-8")
    return truth
