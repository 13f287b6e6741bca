"""The demo generator: determinism, the landing contract, the knobs, the dirt, the MQL contract.

Everything runs on real files in a temporary folder at a few thousand leads.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import hashlib
import io
import json
import re
import tomllib
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from orchestration.columns import normalize_column
from orchestration.demo import DemoKnobs, contract, generate
from orchestration.demo.day_split import _clearly_before, _is_later
from orchestration.demo.people import (
    JUNIOR_TITLES,
    JUNIOR_TITLES_RU,
    SENIOR_TITLES,
    SENIOR_TITLES_RU,
)
from orchestration.landing import OBJECTS

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
LEADS = 2000


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, dict]:
    home = tmp_path_factory.mktemp("demo")
    return home, generate(home, LEADS, seed=42)


def _hashes(home: Path) -> dict[str, str]:
    return {str(p.relative_to(home)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(home.rglob("*")) if p.is_file()}


def _seed_rows(name: str) -> list[dict[str, str]]:
    with open(SEEDS / name, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _text(path: Path) -> str:
    if path.name.endswith(".gz"):
        return gzip.decompress(path.read_bytes()).decode("utf-8")
    return path.read_text(encoding="utf-8")


def _header_and_rows(path: Path) -> tuple[list[str], int]:
    name = path.name
    if name.endswith(".parquet"):
        meta = pq.ParquetFile(path)
        return meta.schema_arrow.names, meta.metadata.num_rows
    text = _text(path)
    if ".jsonl" in name:
        lines = text.splitlines()
        return list(json.loads(lines[0])), len(lines)
    rows = list(csv.reader(io.StringIO(text)))
    return rows[0], len(rows) - 1


def _files(home: Path, obj) -> list[Path]:
    folder = obj.folder(home / "landing")
    pattern = "*/*" if obj.partition_column else "*"
    return sorted(p for p in folder.glob(pattern) if p.is_file())


def _connect() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("set timezone = 'UTC'")
    # DuckDB 2.0.1 pushes a repeated try_cast into the CSV reader as a strict cast.
    con.execute("set disabled_optimizers = 'type_pushdown'")
    return con


def test_same_seed_gives_identical_files_and_another_seed_does_not(demo, tmp_path):
    home, _ = demo
    again, other = tmp_path / "again", tmp_path / "other"
    generate(again, LEADS, seed=42)
    generate(other, LEADS, seed=43)
    first = _hashes(home)
    assert first == _hashes(again)
    differing = {k for k, v in _hashes(other).items() if first.get(k) != v}
    assert "landing/salesforce/Lead/Lead_part0001.csv" in differing
    assert "demo_truth.json" in differing


def test_every_landing_object_is_written_with_its_minimum_columns(demo):
    home, _ = demo
    for obj in OBJECTS:
        files = _files(home, obj)
        assert files, f"no file for {obj.table}"
        for path in files:
            header, rows = _header_and_rows(path)
            names = {normalize_column(c, obj.system) for c in header}
            missing = set(obj.columns) - names
            assert not missing, f"{path.name} lacks {sorted(missing)}"
            assert rows > 0


def test_truth_counts_reconcile_with_the_files(demo):
    home, truth = demo
    assert json.loads((home / "demo_truth.json").read_text(encoding="utf-8")) == truth
    for obj in OBJECTS:
        counts = truth["counts"][obj.table]
        on_disk = {str(p.relative_to(home / "landing")): _header_and_rows(p)[1]
                   for p in _files(home, obj)}
        assert sorted(on_disk) == sorted(counts["files"])
        assert sum(on_disk.values()) == counts["rows"]
    malformed = {name for name, c in truth["counts"].items() if c["malformed"]}
    assert {"salesforce__lead", "salesforce__account", "salesforce__opportunity",
            "salesforce__task", "hubspot__contacts", "hubspot__email_events",
            "hubspot__form_submissions", "ads__spend"} <= malformed
    lead = truth["counts"]["salesforce__lead"]
    assert (lead["rows"] - lead["malformed"] - lead["repeated"] - truth["leads"]["merged_away"]
            == truth["leads"]["total"])
    assert lead["repeated"] == pytest.approx(0.05 * LEADS, abs=2)


def test_observed_rates_sit_on_the_article_knobs(demo):
    _, truth = demo
    funnel = truth["funnel"]
    assert truth["knobs"]["acceptance_rate"] == 0.23
    assert abs(funnel["acceptance_rate_observed"] - 0.23) <= 0.02
    assert abs(funnel["sales_sourced_share_observed"] - 0.56) <= 0.02
    assert funnel["marketing_mql_accepted_after_recycle"] > 0
    assert funnel["marketing_mql_ignored"] > 0
    assert set(truth["leads"]["by_sourced_by"]) == {"marketing", "sales", "partner"}
    assert truth["hubspot_only_contacts"]["count"] == pytest.approx(
        0.30 * funnel["marketing_leads"], abs=1)
    assert truth["orphans"]["opportunity_account_missing"] == 1
    assert truth["orphans"]["lead_converted_opportunity_missing"] == 1


def test_other_knobs_move_the_observed_rates(tmp_path):
    knobs = DemoKnobs(acceptance_rate=0.40, sales_sourced_share=0.30, chunk_leads=800)
    truth = generate(tmp_path, LEADS, seed=5, knobs=knobs)
    assert truth["generator"]["chunks"] == 3
    assert abs(truth["funnel"]["acceptance_rate_observed"] - 0.40) <= 0.02
    assert abs(truth["funnel"]["sales_sourced_share_observed"] - 0.30) <= 0.02
    parts = sorted(p.name for p in (tmp_path / "landing/salesforce/Lead").glob("Lead_part*"))
    assert parts == ["Lead_part0001.csv", "Lead_part0002.csv", "Lead_part0003.csv"]
    con = _connect()
    ids = con.execute(f"""select count(*), count(distinct Id) from read_csv(
        '{tmp_path}/landing/salesforce/Lead/Lead_part*.csv', all_varchar=true) where Id is not null
        and Id not like '00QBAD%' and MasterRecordId is null""").fetchone()
    assert ids == (LEADS, LEADS)


def _lead_rows(con, home: Path) -> None:
    """Valid leads, latest version per id, as a loader would keep them."""
    con.execute(f"""create or replace table leads as select * exclude (rn) from (
        select *, row_number() over (partition by Id
                                     order by try_cast(LastModifiedDate as timestamptz) desc) rn
        from read_csv('{home}/landing/salesforce/Lead/*.csv', all_varchar=true)
        where Id is not null and try_cast(CreatedDate as timestamptz) is not null
          and (NumberOfEmployees is null or try_cast(NumberOfEmployees as bigint) is not null))
        where rn = 1""")


def test_ever_accepted_in_lead_history_matches_the_truth(demo):
    home, truth = demo
    con = _connect()
    accepted = [r["lead_status"] for r in _seed_rows("lead_status_map.csv")
                if r["funnel_stage"] in ("accepted", "qualified", "converted")]
    detail = pq.read_table(home / "demo_truth/leads_part0001.parquet").to_pandas()
    mql = detail[detail.is_mql]
    con.register("mql", mql[["lead_id"]])
    statuses = ", ".join(f"'{s}'" for s in accepted)
    ever = con.execute(f"""select count(distinct h.LeadId) from read_csv(
        '{home}/landing/salesforce/LeadHistory/*.csv', all_varchar=true) h
        join mql on mql.lead_id = h.LeadId where h.Field = 'Status' and h.NewValue in ({statuses})
        """).fetchone()[0]
    assert ever == truth["funnel"]["marketing_mql_accepted"]
    # The latest version of each re-exported lead carries the designed final status.
    _lead_rows(con, home)
    con.register("detail", detail[["lead_id", "final_status", "reexported"]])
    wrong = con.execute("""select count(*) from leads join detail on detail.lead_id = leads.Id
                           where leads.Status <> detail.final_status""").fetchone()[0]
    assert wrong == 0
    stale = con.execute(f"""select count(*) from read_csv(
        '{home}/landing/salesforce/Lead/Lead_part*.csv', all_varchar=true) m
        join detail on detail.lead_id = m.Id where detail.reexported
        and m.Status <> detail.final_status""").fetchone()[0]
    assert stale == detail.reexported.sum() > 0


def _seniority(title: str) -> str | None:
    best = None
    for row in _seed_rows("title_seniority_map.csv"):
        matches = re.search(rf"\b{re.escape(row['keyword'])}\b", title or "", re.IGNORECASE)
        if matches and (best is None or int(row["priority"]) < int(best["priority"])):
            best = row
    return best["seniority"] if best else None


def test_touches_score_to_the_designed_mql_moments(demo):
    """An independent scorer over the landing files finds exactly the designed MQLs."""
    home, truth = demo
    version = tomllib.loads((SEEDS / "lead_definitions.toml").read_text())["version"][0]
    points, fit = version["points"], version["fit"]
    forms = {r["form_id"]: r["touch_type"] for r in _seed_rows("form_touch_map.csv")}
    types = {r["campaign_type"]: r["touch_type"] for r in _seed_rows("campaign_touch_map.csv")}
    land = home / "landing"
    con = _connect()
    _lead_rows(con, home)
    con.execute(f"""create table contacts as
        select id, lower(trim(property_email)) as email, property_salesforceleadid as sync_id,
               property_hs_merged_object_ids as merged_ids
        from read_csv('{land}/hubspot/contacts/*.csv', all_varchar=true)
        where id is not null and try_cast(property_createdate as timestamptz) is not null
          and _fivetran_deleted = 'false'""")
    # Synced contacts by id (a lead merged away by the lead it went into); the others by
    # e-mail, case and spaces ignored; a contact merged away (deleted) by the contact that
    # lists it.
    con.execute("""create table contact_lead as
        with matched as (
            select c.id, c.email, coalesce(synced.MasterRecordId, c.sync_id, l.Id) as lead_id,
                   c.merged_ids
            from contacts c
            left join leads synced on synced.Id = c.sync_id
            left join leads l on c.sync_id is null and lower(trim(l.Email)) = c.email
                and l.IsDeleted = 'false')
        select id, email, lead_id from matched
        union all
        select unnest(string_split(merged_ids, ';')), null, lead_id from matched
        where merged_ids is not null""")
    demo_forms = ", ".join(f"'{f}'" for f, t in forms.items() if t == "demo_request")
    campaign_points = " ".join(f"when '{k}' then {points.get(v, 0)}" for k, v in types.items())
    con.execute(f"""create table touches as
        select c.lead_id, try_cast(f.submitted_at as timestamptz) as ts,
               case when f.form_id in ({demo_forms}) then {points['demo_request']}
                    else {points['form_submission']} end as p
        from read_csv('{land}/hubspot/form_submissions/*.csv', all_varchar=true) f
        join contact_lead c on c.id = f.contact_id
        union all
        select c.lead_id, try_cast(e.created as timestamptz),
               case e.type when 'OPEN' then {points['email_open']}
                           when 'CLICK' then {points['email_click']} else 0 end
        from read_json('{land}/hubspot/email_events/*.jsonl', format = 'newline_delimited',
                       columns = {{'id': 'varchar', 'type': 'varchar', 'recipient': 'varchar',
                                  'created': 'varchar', 'email_campaign_id': 'varchar'}}) e
        join contact_lead c on c.email = lower(trim(e.recipient)) where e.id is not null
        union all
        select m.LeadId, cast(try_cast(m.FirstRespondedDate as date) as timestamptz),
               case k.Type {campaign_points} else 0 end
        from read_csv('{land}/salesforce/CampaignMember/*.csv', all_varchar=true) m
        join read_csv('{land}/salesforce/Campaign/*.csv', all_varchar=true) k on k.Id = m.CampaignId
        where m.HasResponded = 'true'""")
    crossings = con.execute(f"""
        select l.Id, l.Title, l.Industry, try_cast(l.NumberOfEmployees as bigint), min(t.ts)
        from (select lead_id, ts, sum(p) over (
                  partition by lead_id order by ts
                  range between interval {version['scoring_window_days']} days preceding
                  and current row) as score
              from touches where ts is not null) t
        join leads l on l.Id = t.lead_id
        where t.score >= {version['mql_threshold']} group by all""").fetchall()
    mql = {lead: at for lead, title, industry, employees, at in crossings
           if employees is not None and employees >= fit["min_employees"]
           and industry not in fit["industries_excluded"]
           and _seniority(title) in fit["seniorities"]}
    detail = pq.read_table(home / "demo_truth/leads_part0001.parquet").to_pylist()
    designed = {r["lead_id"]: r["mql_at"] for r in detail if r["is_mql"]}
    assert len(designed) == truth["funnel"]["marketing_mql"]
    assert mql == designed
    unfit = sum(r["path"] == "engaged_unfit" for r in detail)
    assert len(crossings) == len(designed) + unfit


def test_speed_to_lead_counts_only_sales_tasks(demo):
    home, truth = demo
    con = _connect()
    teams = {r["department"]: r["team"] for r in _seed_rows("owner_team_map.csv")}
    sales = ", ".join(f"'{d}'" for d, t in teams.items() if t in ("sdr", "ae"))
    detail = pq.read_table(home / "demo_truth/leads_part0001.parquet").to_pandas()
    con.register("mql", detail[detail.is_mql][["lead_id", "mql_at", "first_sales_touch_at"]])
    mismatched, marketing_first = con.execute(f"""
        with tasks as (
            select t.WhoId, try_cast(t.CreatedDate as timestamptz) as ts, u.Department
            from read_csv('{home}/landing/salesforce/Task/*.csv', all_varchar=true) t
            join read_csv('{home}/landing/salesforce/User/*.csv', all_varchar=true) u
              on u.Id = t.OwnerId),
        firsts as (
            select mql.lead_id, mql.first_sales_touch_at,
                   min(ts) filter (where Department in ({sales}) and ts >= mql.mql_at)
                       as sales_first,
                   min(ts) filter (where ts >= mql.mql_at) as any_first
            from mql left join tasks on tasks.WhoId = mql.lead_id group by all)
        select count(*) filter (where sales_first is distinct from first_sales_touch_at),
               count(*) filter (where any_first < sales_first)
        from firsts""").fetchone()
    assert mismatched == 0
    assert marketing_first > 0  # marketing touches that a naive speed-to-lead would count
    assert truth["speed_to_lead"]["never"] == truth["funnel"]["marketing_mql_ignored"]


def test_dirt_is_where_the_truth_says(demo):
    home, truth = demo
    land = home / "landing"
    leads = list(csv.DictReader(io.StringIO(_text(land / "salesforce/Lead/Lead_part0001.csv"))))
    assert sum(not r["Id"] for r in leads) == 1
    assert any(r["CreatedDate"] == "not-a-date" for r in leads)
    assert any(r["NumberOfEmployees"] == "many" for r in leads)
    assert any(r["Email"] != r["Email"].strip() for r in leads)
    assert any(re.search("[А-Яа-я]", r["LastName"]) for r in leads)
    assert any(re.search("[éüøåçñ]", r["LastName"] + r["FirstName"]) for r in leads)
    # Merged-away leads: deleted, each naming a live lead that has another address now, and
    # a HubSpot contact still synced to it at the address it had.
    by_id = {r["Id"]: r for r in leads}
    merged = [r for r in leads if r["MasterRecordId"]]
    assert len(merged) == truth["leads"]["merged_away"] > 0
    assert all(r["IsDeleted"] == "true" and by_id[r["MasterRecordId"]]["IsDeleted"] == "false"
               and by_id[r["MasterRecordId"]]["Email"] == r["Email"].replace("@", "+crm@")
               for r in merged)
    synced = {r["property_salesforceleadid"]: r["property_email"] for r in csv.DictReader(
        io.StringIO(_text(land / "hubspot/contacts/contacts_part0001.csv")))}
    assert all(synced[r["Id"]] == r["Email"].strip().lower() for r in merged)
    opportunities = _text(land / "salesforce/Opportunity/opportunity_part0001.csv.gz")
    header = opportunities.splitlines()[0]
    assert '"is_won"' in header and '"_fivetran_synced"' in header
    assert '"original_lead_score_c"' in header
    orphan = truth["orphans"]["ids"]["opportunity_account_missing"][0]
    account_ids = {r["Id"] for r in csv.DictReader(io.StringIO(_text(
        land / "salesforce/Account/Account.csv")))}
    row = next(r for r in csv.DictReader(io.StringIO(opportunities)) if r["id"] == orphan)
    assert row["account_id"] not in account_ids
    contacts = _text(land / "hubspot/contacts/contacts_part0001.csv").splitlines()[0]
    assert '"property_lifecyclestage"' in contacts and '"id"' in contacts


def test_generator_vocabulary_matches_the_seeds():
    statuses = {r["lead_status"] for r in _seed_rows("lead_status_map.csv")}
    assert set(contract.STATUSES) <= statuses
    sourced = {r["source_value"]: r["sourced_by"] for r in _seed_rows("source_channel_map.csv")
               if r["source_system"] == "salesforce"}
    assert all(sourced[s] == "marketing" for s in contract.MARKETING_SOURCES)
    assert all(sourced[s] == "sales" for s in contract.SALES_SOURCES)
    assert all(sourced[s] == "partner" for s in contract.PARTNER_SOURCES)
    hubspot = {r["source_value"] for r in _seed_rows("source_channel_map.csv")
               if r["source_system"] == "hubspot"}
    assert set(contract.HUBSPOT_SOURCE_OF.values()) <= hubspot
    teams = {r["department"]: r["team"] for r in _seed_rows("owner_team_map.csv")}
    for team, departments in contract.DEPARTMENTS.items():
        assert all(teams[d] == team for d in departments)
    touch = {r["campaign_type"]: r["touch_type"] for r in _seed_rows("campaign_touch_map.csv")}
    assert touch[contract.WEBINAR_TYPE] == "webinar_attended"
    assert all(touch[t] == "event_attended" for t in contract.EVENT_TYPES)
    assert touch[contract.CONTENT_TYPE] == "content_download"
    assert touch[contract.PARTNER_TYPE] == "partner_referral"
    assert set(contract.QUIET_TYPES) <= set(touch)
    forms = {r["form_id"]: r["touch_type"] for r in _seed_rows("form_touch_map.csv")}
    assert all(forms[f] == "demo_request" for f in contract.DEMO_FORMS)
    assert not set(contract.GENERIC_FORMS) & set(forms)
    stages = {r["stage_name"] for r in _seed_rows("opportunity_stage_map.csv")}
    assert set(contract.OPPORTUNITY_OPEN_STAGES) | {contract.CLOSED_WON,
                                                    contract.CLOSED_LOST} == stages
    version = tomllib.loads((SEEDS / "lead_definitions.toml").read_text())["version"][0]
    assert version["version"] == contract.DEFINITIONS_VERSION
    assert version["mql_threshold"] == contract.MQL_THRESHOLD
    assert version["scoring_window_days"] == contract.SCORING_WINDOW_DAYS
    assert version["fit"]["min_employees"] == contract.MIN_EMPLOYEES
    assert tuple(version["fit"]["industries_excluded"]) == contract.EXCLUDED_INDUSTRIES
    assert all(version["points"][k] == v for k, v in contract.POINTS.items())
    fit = set(version["fit"]["seniorities"])
    assert all(_seniority(t) in fit for t in SENIOR_TITLES + SENIOR_TITLES_RU)
    assert not any(_seniority(t) in fit for t in JUNIOR_TITLES + JUNIOR_TITLES_RU)


def test_knobs_are_validated():
    with pytest.raises(ValueError):
        DemoKnobs(acceptance_rate=1.5)
    with pytest.raises(ValueError):
        DemoKnobs(sales_sourced_share=1.0)


@pytest.mark.parametrize(("text", "is_later"), [
    ("2026-01-04T23:59:59Z", False),          # before the cutoff's day less two: not parsed
    ("2026-01-06T23:00:00-02:00", True),      # 01:00 UTC on the cutoff's day
    ("2026-01-06T23:59:59+00:00", False),
    ("2026-01-07 00:00:00", True),            # the cutoff itself
    ("2026-W02-5", True),                     # ISO week date, 2026-01-09: parsed
    ("20260108T000000", True),                # basic format: parsed
    (" 2026-01-08", True),                    # a space ahead: parsed, as before
    ("2026-01-0x", False),                    # no date: stays in the base
    ("", False),
    (None, False),
])
def test_the_day_split_dates_a_row_as_parsing_it_would(text, is_later):
    cutoff = dt.datetime(2026, 1, 7)
    assert _is_later(text, cutoff, _clearly_before(cutoff)) is is_later
