"""Attribution and campaign ROI on a hand-made company (tests/crafted_attribution.py: the KPI
company of tests/crafted_kpis.py plus an EUR campaign, an unmapped UTM and a seed-mapped
one, and amounts in EUR, CHF and XXX). One real refresh (Dagster, DuckDB, dbt build with every data and unit test); every
value below is worked out by hand in the comments. Reporting currency USD, time zone UTC.

Lead A's journey: newsletter form 2024-11-04 14:00 (no utm: campaign no_campaign, channel
direct) = lead created; demo-request form 11-05 15:00 with utm_campaign=gads_brand (the
Google Ads campaign g1 carries it: an ad click on campaign `ads:g1`) = MQL; SDR task 11-05
15:30; accepted 11-05 16:00; OPP_A created 11-12 15:00, 13,000 USD, won 2024-11-28.
"""

from __future__ import annotations

from datetime import date

import pytest

from crafted_attribution import write_attribution_company
from dbt_cli import dbt_build
from orchestration.home import Home
from orchestration.refresh import run_refresh
from orchestration.report import build_report
from orchestration.warehouse import connect

NOV24, DEC24, OCT24, NOV23 = date(2024, 11, 1), date(2024, 12, 1), date(2024, 10, 1), date(2023, 11, 1)
EUR_NOV_2024 = 1.0630  # seeds/fx_rates.csv: EUR from 2024-11-01
EUR_DEC_2024 = 1.0480  # and from 2024-12-01


def _rows(home: Home, sql: str) -> list[dict]:
    with connect(home, read_only=True) as con:
        result = con.execute(sql)
        names = [column[0] for column in result.description]
        return [dict(zip(names, row, strict=True)) for row in result.fetchall()]


@pytest.fixture(scope="module")
def marts(tmp_path_factory):
    home = Home.resolve(tmp_path_factory.mktemp("attribution") / "home")
    write_attribution_company(home.landing)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("ALIGNMENT_HOME", str(home.root))
        env.delenv("ALIGNMENT_CONTRACT", raising=False)
        seen = {"refresh": run_refresh(home), "home": home}
        seen["roi"] = {(r["campaign_key"], r["channel"], r["report_month"], r["attribution_model"]): r
                       for r in _rows(home, "select * from marts.fct_campaign_roi")}
        seen["touches"] = _rows(home, "select * from marts.fct_touchpoints order by touched_at")
        seen["spend"] = _rows(home, "select * from intermediate.int_campaign_spend_converted")
        seen["accounts"] = {(r["account_id"], r["campaign_key"], r["attribution_model"]): r
                            for r in _rows(home, "select * from marts.fct_account_attribution")}
        seen["opportunities"] = {r["opportunity_id"]: r for r in _rows(
            home, "select * from marts.fct_opportunities")}
        seen["scorecard"] = {r["report_month"]: r for r in _rows(
            home, "select * from marts.kpi_alignment_monthly")}
        seen["account_funnel"] = {r["account_id"]: r for r in _rows(
            home, "select * from marts.fct_account_funnel")}
        seen["contract"] = {(r["expectation"], r["period"]): r["passed"] for r in _rows(
            home, "select * from marts.contract_results "
                  "where expectation like 'amounts_in_reporting_currency%'")}
    return seen


def test_the_refresh_passes_every_dbt_test(marts):
    assert marts["refresh"].success, marts["refresh"].failures
    # The warnings: OCT's unmapped utm_campaign, listed so someone can map it, the call and
    # the webinar response of a lead the export does not hold, and the CHF and XXX amounts.
    assert sorted(marts["refresh"].failed_checks) == [
        "intermediate/int_campaign_spend_converted: assert_amounts_have_fx_rates",
        "marts/fct_touchpoints: assert_touch_campaign_keys_are_mapped",
        "staging/stg_salesforce__campaign_members: "
        "relationships_stg_salesforce__campaign_members_lead_id__lead_id__ref_stg_salesforce__leads_",
        "staging/stg_salesforce__tasks: assert_activities_name_an_exported_lead_or_contact"]
    ids = {touch["touch_id"] for touch in marts["touches"]}
    assert {"salesforce_task:00T2", "salesforce_task:00T9"} & ids == {"salesforce_task:00T2"}
    assert not [touch for touch in ids if "CM9" in touch]
    assert [touch for touch in ids if "CM1" in touch]


def test_roi_of_the_google_brand_campaign_by_hand(marts):
    # ads:g1 in November 2024: spend 250 + 150 = 400; one touch (A's ad click).
    # Linear: MQL window {newsletter, ad} -> 1/2; SAL, opportunity and won windows
    # {newsletter, ad, task} -> 1/3 each: pipeline and revenue 13,000 / 3.
    linear = marts["roi"][("ads:g1", "paid_search", NOV24, "linear")]
    assert (linear["spend"], linear["ad_platform_spend"], linear["touches"]) == (400.0, 400.0, 1)
    assert linear["attributed_leads"] == 0
    assert linear["attributed_mqls"] == pytest.approx(0.5)
    assert linear["attributed_sals"] == pytest.approx(1 / 3)
    assert linear["attributed_won_revenue"] == pytest.approx(13000 / 3, rel=1e-9)
    assert linear["cost_per_mql"] == pytest.approx(800.0)
    assert linear["cost_per_opportunity"] == pytest.approx(1200.0, rel=1e-9)
    assert linear["cost_per_lead"] is None
    assert linear["roi"] == pytest.approx((13000 / 3 - 400) / 400, rel=1e-9)
    # W-shaped, won: first = lead-creation touch = newsletter (30 + 30), opportunity-creation
    # touch = the task (30), the ad click holds no role: the 10% spread -> 1,300;
    # ROI = (1,300 - 400) / 400 = 2.25. MQL: newsletter 60, ad 30 -> 1/3.
    w = marts["roi"][("ads:g1", "paid_search", NOV24, "w_shaped")]
    assert w["attributed_won_revenue"] == pytest.approx(1300.0, rel=1e-9)
    assert w["attributed_pipeline"] == pytest.approx(1300.0, rel=1e-9)
    assert w["attributed_mqls"] == pytest.approx(1 / 3)
    assert w["roi"] == pytest.approx(2.25, rel=1e-9)
    # Last touch: the MQL is the ad click itself (at the MQL moment); the rest the task.
    last = marts["roi"][("ads:g1", "paid_search", NOV24, "last_touch")]
    assert (last["attributed_mqls"], last["attributed_won_revenue"], last["roi"]) == (1.0, 0.0, -1.0)
    # November 2023: 500 of spend, no touch that month; the campaign has touches, so it is
    # its own line, not unexplained spend.
    old = marts["roi"][("ads:g1", "paid_search", NOV23, "linear")]
    assert (old["line_type"], old["spend"], old["touches"], old["roi"]) == ("campaign", 500.0, 0, -1.0)


def test_eur_spend_is_converted_at_the_month_rate(marts):
    (meta,) = [row for row in marts["spend"]
               if row["source_campaign_key"] == "m1" and row["spend_month"] == NOV24]
    assert (meta["currency"], meta["spend_original"], meta["fx_rate"]) == ("EUR", 100.0, EUR_NOV_2024)
    assert meta["spend"] == pytest.approx(100 * EUR_NOV_2024)
    roi = marts["roi"][("ads:m1", "paid_social", NOV24, "time_decay")]
    assert roi["spend"] == pytest.approx(106.3)
    assert (roi["touches"], roi["currency"], roi["roi"]) == (1, "USD", -1.0)


def test_an_unmapped_utm_is_kept_and_a_pattern_maps_another(marts):
    (oct_touch,) = [t for t in marts["touches"] if t["journey_id"] == "sf_lead:OCT"
                    and t["utm_campaign"] is not None]
    assert (oct_touch["touch_kind"], oct_touch["source_campaign_key"], oct_touch["campaign_key"],
            oct_touch["channel"], oct_touch["mapped_by"]) == (
        "form_submission", "spring_promo_x", "unmapped", "unmapped", "unmapped")
    line = marts["roi"][("unmapped", "unmapped", OCT24, "linear")]
    assert (line["line_type"], line["touches"]) == ("unmapped", 1)
    (aug_touch,) = [t for t in marts["touches"] if t["journey_id"] == "sf_lead:AUG"
                    and t["utm_campaign"] is not None]
    assert (aug_touch["campaign_key"], aug_touch["channel"], aug_touch["mapped_by"]) == (
        "newsletter", "email", "seed_pattern")


def test_conversions_without_a_touch_are_reported_unattributed(marts):
    # November 2024: F and G were created and accepted with no touch before (F's SDR task
    # came after); OPP_X (no lead, 2,000), OPP_G (5,000) and OPP_EUR (no lead, 1,000 EUR at
    # December's rate, its close date's month) were created with no touch.
    line = marts["roi"][("unattributed", "unattributed", NOV24, "u_shaped")]
    assert (line["line_type"], line["attributed_leads"], line["attributed_sals"],
            line["attributed_opportunities"]) == ("unattributed", 2.0, 2.0, 3.0)
    assert line["attributed_pipeline"] == pytest.approx(7000 + 1000 * EUR_DEC_2024)
    # OPP_Y, won 2023-11-20 (10,000), has no lead: its revenue is unattributed, not lost.
    assert marts["roi"][("unattributed", "unattributed", NOV23, "first_touch")][
        "attributed_won_revenue"] == 10000.0


def test_spend_no_touch_explains_is_its_own_line(marts):
    # November 2024: LinkedIn li_abm 200 (no lead ever) and conference CMP2 900 / 3 months
    # (no member) are unexplained; the webinar CMP1 (B responded) keeps its own line.
    assert marts["roi"][("unexplained_spend", "paid_social", NOV24, "linear")]["spend"] == 200.0
    assert marts["roi"][("unexplained_spend", "events", NOV24, "linear")]["spend"] == 300.0
    webinar = marts["roi"][("salesforce:CMP1", "webinar", NOV24, "linear")]
    assert (webinar["campaign_cost"], webinar["touches"], webinar["roi"]) == (300.0, 1, -1.0)


def test_the_account_view_sums_opportunity_attribution(marts):
    acc1 = marts["accounts"][("ACC1", "ads:g1", "linear")]
    assert acc1["attributed_opportunities"] == pytest.approx(1 / 3)
    assert acc1["attributed_won_revenue"] == pytest.approx(13000 / 3, rel=1e-9)
    assert acc1["people_credited"] == 1
    acc2 = marts["accounts"][("ACC2", "unattributed", "full_path")]
    assert (acc2["attributed_opportunities"], acc2["attributed_pipeline"]) == (2.0, 12000.0)


def test_an_opportunity_is_converted_at_its_close_months_rate(marts):
    # OPP_EUR: created in November, won 2024-12-05: December's rate for its pipeline and its
    # win alike; OPP_CHF: no CHF rate, so no converted amount; OPP_A in USD as it is.
    opportunities = marts["opportunities"]
    assert (opportunities["OPP_EUR"]["amount"], opportunities["OPP_EUR"]["currency_iso_code"]) == (
        1000.0, "EUR")
    assert opportunities["OPP_EUR"]["amount_converted"] == pytest.approx(1000 * EUR_DEC_2024)
    assert (opportunities["OPP_CHF"]["amount"], opportunities["OPP_CHF"]["amount_converted"]) == (
        500.0, None)
    assert opportunities["OPP_A"]["amount_converted"] == 13000.0
    won = marts["roi"][("unattributed", "unattributed", DEC24, "linear")]
    assert won["attributed_won_revenue"] == pytest.approx(1000 * EUR_DEC_2024)
    # ACC3: OPP_F open, OPP_EUR won, OPP_CHF open: the won amount is known
    assert marts["account_funnel"]["ACC3"]["won_amount"] == pytest.approx(1000 * EUR_DEC_2024)


def test_a_sum_holding_an_amount_without_an_fx_rate_is_null_not_too_small(marts):
    # The scorecard: November's pipeline is the KPI company's 40,000 (22,000 sales-sourced)
    # plus OPP_EUR; December's holds OPP_CHF (no rate): unknown, as its sales-sourced part,
    # while marketing's, which holds no CHF, is 0. December's spend: CMP2's 300 and m1's
    # 50 XXX: unknown, and so its cost per lead.
    november, december = marts["scorecard"][NOV24], marts["scorecard"][DEC24]
    assert november["pipeline_amount"] == pytest.approx(40000 + 1000 * EUR_DEC_2024)
    assert november["sales_pipeline_amount"] == pytest.approx(22000 + 1000 * EUR_DEC_2024)
    assert (december["pipeline_amount"], december["sales_pipeline_amount"],
            december["marketing_pipeline_amount"]) == (None, None, 0.0)
    assert december["won_amount"] == pytest.approx(1000 * EUR_DEC_2024)
    assert (december["spend"], december["cost_per_lead"], november["spend"]) == (
        None, None, pytest.approx(400 + 200 + 300 + 300 + 100 * EUR_NOV_2024))
    # m1's December line: its spend unknown, so its costs and ROI; no campaign cost in it
    m1 = marts["roi"][("ads:m1", "paid_social", DEC24, "linear")]
    assert (m1["spend"], m1["ad_platform_spend"], m1["campaign_cost"], m1["roi"],
            m1["cost_per_mql"]) == (None, None, 0.0, None, None)
    # OPP_CHF, no lead, created in December: the unattributed line's pipeline is unknown under
    # every model, while its won revenue (OPP_EUR's) is known; ACC3's likewise
    for model in ("linear", "first_touch"):
        unattributed = marts["roi"][("unattributed", "unattributed", DEC24, model)]
        assert (unattributed["attributed_opportunities"], unattributed["attributed_pipeline"]) == (
            1.0, None)
        assert unattributed["attributed_won_revenue"] == pytest.approx(1000 * EUR_DEC_2024)
        acc3 = marts["accounts"][("ACC3", "unattributed", model)]
        assert (acc3["attributed_opportunities"], acc3["attributed_pipeline"]) == (2.0, None)
        assert acc3["attributed_won_revenue"] == pytest.approx(1000 * EUR_DEC_2024)
    # the data contract names the unknown months (a warning)
    assert {key: passed for key, passed in marts["contract"].items() if not passed} == {
        ("amounts_in_reporting_currency__pipeline_amount", DEC24): False,
        ("amounts_in_reporting_currency__spend", DEC24): False}
    # the report's ROI headline does not state a total it cannot know
    assert ("campaigns with spend (some of it in a currency without an FX rate) earned back"
            in build_report(marts["home"]).read_text())


def test_fx_rates_written_for_another_reporting_currency_stop_the_build(marts):
    # The shipped rates are to USD: with EUR as the reporting currency, the seed's seven EUR
    # rows are rates of the reporting currency to itself
    checked = dbt_build(marts["home"], ["assert_fx_rates_are_to_the_reporting_currency"],
                        {"attribution": {"reporting_currency": "EUR"}}, "dbt_target_fx",
                        command="test")
    assert checked.returncode == 1
    assert "Got 7 results" in checked.stdout, checked.stdout[-2000:]
