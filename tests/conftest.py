"""Shared fixtures: a temporary ALIGNMENT_HOME per test, real DuckDB files in it."""

from __future__ import annotations

import pytest
import yaml

from orchestration.home import Home


@pytest.fixture
def home(tmp_path, monkeypatch) -> Home:
    monkeypatch.setenv("ALIGNMENT_HOME", str(tmp_path))
    return Home.resolve(tmp_path)


# Days of the demo company held back from the first refresh and landed before the second.
LATER_DAYS = 30
# Added to those days: a new lead takes over the address of a HubSpot-only contact (whose
# e-mail touches move to the lead's journey), and an opened e-mail is re-exported as bounced
# (its touch goes).
TAKEOVER_LEAD = "00QTAKEOVER0000001"


def _later_takeover_and_bounce(home: Home, later) -> None:
    import csv
    import json

    from orchestration.warehouse import connect

    with connect(home, read_only=True) as con:
        email, = con.execute("""
            select contacts.email
            from intermediate.int_touches_unioned as touches
            inner join intermediate.int_hubspot_contacts_matched as contacts
                on touches.journey_id = contacts.journey_id
            where touches.journey_id like 'hs_contact:%'
                and touches.touch_source = 'hubspot_email'
            group by 1 order by count(*) desc, 1 limit 1""").fetchone()
        opened, = con.execute("""
            select email_event_id from staging.stg_hubspot__email_events
            where event_type = 'OPEN' order by 1 limit 1""").fetchone()
    with (home.landing / "salesforce" / "Lead" / "Lead_part0001.csv").open(newline="") as f:
        lead = next(csv.DictReader(f))
    moment = "2026-10-30T10:00:00.000+0000"
    lead.update(Id=TAKEOVER_LEAD, Email=email, CreatedDate=moment, LastModifiedDate=moment,
                SystemModstamp=moment, IsConverted="false", ConvertedDate="",
                ConvertedAccountId="", ConvertedContactId="", ConvertedOpportunityId="")
    with (later / "salesforce" / "Lead" / "Lead_takeover.csv").open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(lead))
        writer.writeheader()
        writer.writerow(lead)
    events = home.landing / "hubspot" / "email_events" / "email_events_part0001.jsonl"
    with events.open(encoding="utf-8") as f:
        event = next(e for e in map(json.loads, f) if e["id"] == opened)
    (later / "hubspot" / "email_events" / "email_events_bounced.jsonl").write_text(
        json.dumps({**event, "type": "BOUNCE"}) + "\n", encoding="utf-8")


@pytest.fixture(scope="session")
def demo_2k(tmp_path_factory):
    """A 2,000-lead demo company (seed 42) refreshed once without its last LATER_DAYS days,
    then once more, incrementally, after they landed: (home, outcome of that last refresh).
    Shared by the end-to-end, report and metrics tests: read it, write only under its
    reports/, never rebuild it (tests/homes.py copies it)."""
    import os

    from orchestration.demo import generate
    from orchestration.demo.day_split import hold_back_days, land_day
    from orchestration.refresh import run_refresh

    home = Home.resolve(tmp_path_factory.mktemp("demo_2k") / "home")
    previous = os.environ.get("ALIGNMENT_HOME")
    generate(home.root, leads=2_000, seed=42)
    later = home.root.parent / "later"
    assert hold_back_days(home.root, LATER_DAYS, later) > 0
    first = run_refresh(home)
    assert first.ok, first.failures
    _later_takeover_and_bounce(home, later)
    land_day(later, home.landing)
    outcome = run_refresh(home)
    if previous is None:
        os.environ.pop("ALIGNMENT_HOME", None)
    else:
        os.environ["ALIGNMENT_HOME"] = previous
    return home, outcome


@pytest.fixture(scope="session")
def crafted_company(tmp_path_factory):
    """The hand-made company of tests/crafted_kpis.py with its custom fields named in the dbt
    vars, refreshed once (shipped contract, UTC) for the session: (home, outcome, leads,
    opportunities). Read it; a test that changes anything works on a copy (tests/homes.py)."""
    from crafted_kpis import CUSTOM_FIELD_VARS, add_custom_fields, write_company
    from orchestration.refresh import run_refresh

    home = Home.resolve(tmp_path_factory.mktemp("crafted_company") / "home")
    write_company(home.landing)
    leads, opportunities = add_custom_fields(home.landing)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("ALIGNMENT_HOME", str(home.root))
        env.delenv("ALIGNMENT_CONTRACT", raising=False)
        env.delenv("ALIGNMENT_EXPECTATIONS", raising=False)
        # What a user writes into dbt_project.yml's vars, given for this run only.
        env.setenv("ALIGNMENT_DBT_VARS", yaml.safe_dump(CUSTOM_FIELD_VARS))
        outcome = run_refresh(home)
    return home, outcome, leads, opportunities
