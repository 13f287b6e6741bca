"""The semantic layer: MetricFlow's metrics, queried with `mf` on a refreshed demo warehouse,
are the scorecard's numbers (kpi_alignment_monthly) month by month, and campaign ROI by
attribution model is fct_campaign_roi's."""

from __future__ import annotations

import argparse
import json
import math

import pytest

from orchestration.home import DBT_PROJECT_DIR
from orchestration.metrics import query_metrics, run
from orchestration.warehouse import connect

# Metrics named as the kpi_alignment_monthly column they reproduce.
COUNTS = ["leads", "marketing_leads", "marketing_mqls", "marketing_handoffs",
          "marketing_accepted", "sals", "sales_sourced_sals", "handoffs_sla_due",
          "handoffs_sla_met", "handoffs_rejected_on_time", "pipeline_amount",
          "marketing_pipeline_amount", "sales_pipeline_amount", "partner_pipeline_amount",
          "won_amount", "marketing_won_amount", "sales_won_amount", "partner_won_amount",
          "spend"]
RATES = ["acceptance_rate", "sales_sourced_lead_share", "sla_compliance_rate",
         "median_response_minutes", "sales_sourced_pipeline_share", "cost_per_lead",
         "cost_per_sales_ready_lead"]
# The scorecard KPIs, each a metric: acceptance, sales-sourced share of leads and
# pipeline, SLA compliance and speed to lead, cost per lead and per sales-ready lead, pipeline
# and revenue by source, attributed ROI by model; and the analyst guide's worked example.
REQUIRED = {*RATES, *COUNTS, "attributed_roi", "handoff_rejection_rate"}


def _number(text: str) -> float | None:
    return None if text in ("", None) else float(text)


def _same(mf_value: float | None, kpi_value: float | None) -> bool:
    if kpi_value is None or mf_value is None:
        return kpi_value is None and mf_value is None
    return math.isclose(mf_value, kpi_value, rel_tol=1e-12, abs_tol=1e-9)


@pytest.fixture(scope="module")
def queried(demo_2k):
    home, outcome = demo_2k
    assert outcome.ok, outcome.failures
    rows = query_metrics(home, [*COUNTS, *RATES, "handoff_rejection_rate"])
    by_month = {row["metric_time__month"][:10]: row for row in rows}
    with connect(home, read_only=True) as con:
        scorecard = con.execute(
            f"select strftime(report_month, '%Y-%m-%d') as month, {', '.join(COUNTS + RATES)}, "
            "handoffs_rejected_on_time, marketing_handoffs from marts.kpi_alignment_monthly "
            "order by report_month").df()
    return home, by_month, scorecard


def test_every_scorecard_kpi_is_a_metric():
    manifest = json.loads((DBT_PROJECT_DIR / "target" / "semantic_manifest.json").read_text())
    assert REQUIRED <= {metric["name"] for metric in manifest["metrics"]}


def test_metrics_by_month_equal_the_scorecard(queried):
    _, by_month, scorecard = queried
    assert len(scorecard) >= 20
    assert set(by_month) <= set(scorecard["month"])
    differences = []
    for record in scorecard.to_dict("records"):
        row = by_month.get(record["month"], {})
        for metric in COUNTS + RATES:
            kpi = record[metric]
            kpi = None if kpi is None or (isinstance(kpi, float) and math.isnan(kpi)) else kpi
            value = _number(row.get(metric, ""))
            # a month with nothing to add up has no row in mf: 0 on the scorecard
            if metric in COUNTS and value is None:
                value = 0.0
            if not _same(value, kpi):
                differences.append((record["month"], metric, value, kpi))
    assert differences == []
    # the figures are not trivially empty
    assert sum(_number(row["acceptance_rate"]) is not None for row in by_month.values()) >= 20


def test_the_worked_example_metric_is_the_rejections_by_reason_mart(queried):
    home, by_month, scorecard = queried
    with connect(home, read_only=True) as con:
        by_reason = dict(con.execute(
            "select strftime(report_month, '%Y-%m-%d'), sum(rejection_rate) "
            "from marts.kpi_rejection_reasons_monthly group by report_month").fetchall())
    assert by_reason
    for record in scorecard.to_dict("records"):
        value = _number(by_month.get(record["month"], {}).get("handoff_rejection_rate", ""))
        if record["marketing_handoffs"] == 0:
            assert value is None
            continue
        expected = record["handoffs_rejected_on_time"] / record["marketing_handoffs"]
        assert _same(value, expected), record["month"]
        assert _same(by_reason.get(record["month"], 0.0), expected), record["month"]


def test_attributed_roi_by_model_equals_campaign_roi(demo_2k):
    home, _ = demo_2k
    rows = query_metrics(home, ["attributed_roi", "attributed_won_revenue", "attributed_spend"],
                         group_by=["metric_time__month", "campaign_roi_line__attribution_model"])
    with connect(home, read_only=True) as con:
        expected = {(month, model): (roi, revenue) for month, model, roi, revenue in con.execute("""
            select strftime(report_month, '%Y-%m-%d'), attribution_model,
                   (sum(attributed_won_revenue) - sum(spend)) / nullif(sum(spend), 0),
                   sum(attributed_won_revenue)
            from marts.fct_campaign_roi group by all""").fetchall()}
    got = {(row["metric_time__month"][:10], row["campaign_roi_line__attribution_model"]):
           (_number(row["attributed_roi"]), _number(row["attributed_won_revenue"]))
           for row in rows}
    assert len({model for _, model in got}) == 7
    assert got.keys() == expected.keys()
    for key, (roi, revenue) in expected.items():
        assert _same(got[key][0], roi), key
        assert _same(got[key][1], revenue), key


def test_alignment_metrics_passes_mf_arguments_through(demo_2k, capfd):
    home, _ = demo_2k
    args = argparse.Namespace(mf_args=["query", "--metrics", "acceptance_rate", "--group-by",
                                       "metric_time__month", "--limit", "3", "--quiet"])
    assert run(args, home) == 0
    out = capfd.readouterr().out
    assert "metric_time__month" in out and "acceptance_rate" in out
