"""Dates no export can hold: the crafted KPI company (tests/crafted_kpis.py) with two more
leads whose CreatedDate was mistyped, one as 1900 and one as 2099. One real refresh: the
KPIs keep the company's own "now" and months, and a warning lists both leads."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from crafted_kpis import _lead, _write, write_company
from orchestration.home import Home
from orchestration.refresh import run_refresh
from orchestration.warehouse import connect

AS_OF = datetime(2025, 1, 11, 15, 0)  # the company's last event (tests/test_kpi_marts.py)
MISTYPED = [_lead("OLD", "1900-01-01T00:00:00Z"), _lead("FUTURE", "2099-06-01T10:00:00Z")]


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory):
    home = Home.resolve(tmp_path_factory.mktemp("dates") / "home")
    write_company(home.landing)
    _write(home.landing / "salesforce/Lead/mistyped.csv", MISTYPED)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("ALIGNMENT_HOME", str(home.root))
        env.delenv("ALIGNMENT_CONTRACT", raising=False)
        outcome = run_refresh(home)
    with connect(home, read_only=True) as con:
        seen = {name: con.execute(sql).fetchall() for name, sql in {
            "as_of": "select as_of_at from intermediate.int_kpi_as_of",
            "months": "select count(*), min(report_month), max(report_month) "
                      "from marts.kpi_alignment_monthly",
            "funnel": "select lead_id, created_at from marts.fct_lead_funnel "
                      "where lead_id in ('OLD', 'FUTURE') order by created_at",
        }.items()}
        # the warning's rows: its query as dbt compiled it
        compiled = next(home.dbt_target.glob(
            "compiled/**/assert_records_fall_within_the_reported_months.sql")).read_text()
        seen["warned"] = con.execute(f"select * from ({compiled}) order by reported_months"
                                     ).fetchall()
    return outcome, seen


def test_a_lead_dated_2099_does_not_move_now_and_one_dated_1900_keeps_the_present(refreshed):
    outcome, seen = refreshed
    assert outcome.success, outcome.failures
    # "now" is the company's last event still (E's newsletter), not 2099; the months run back
    # from its month, 1,200 at most, so 1900 cannot push the present out of them.
    assert seen["as_of"] == [(AS_OF,)]
    assert seen["months"] == [(1200, date(1925, 2, 1), date(2025, 1, 1))]
    # both leads are kept as exported, for someone to correct in Salesforce
    assert seen["funnel"] == [("OLD", datetime(1900, 1, 1)), ("FUTURE", datetime(2099, 6, 1, 10))]


def test_a_warning_lists_the_leads_outside_the_reported_months(refreshed):
    outcome, seen = refreshed
    assert outcome.failed_checks == (
        "intermediate/int_kpi_months: assert_records_fall_within_the_reported_months",)
    assert seen["warned"] == [
        ("lead", "after", 1, datetime(2099, 6, 1, 10), datetime(2099, 6, 1, 10)),
        ("lead", "before", 1, datetime(1900, 1, 1), datetime(1900, 1, 1))]
