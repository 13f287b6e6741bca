"""The KPI contract (expectations/) on the hand-made company of tests/crafted_kpis.py, in UTC.

A copy of the session's refresh of the company (tests/conftest.py), then three checks, each
judged by hand; a contract's tables are landed and what they judge rebuilt with
`dbt build -s int_lead_definitions_in_force tag:kpi tag:contract`, as an analyst would:
1. a strict contract, with marketing's acceptance floor made blocking (`error`): marketing
   and sales break it, the check fails on the blocking expectation only;
2. a lenient contract, a hubspot export 3 days stale: `alignment check` passes every suite
   but the freshness warning, which does not block;
3. the funnel tampered with so a cohort grows down the funnel: the data contract blocks.
The history in marts.contract_results keeps these runs and the session refresh's own.
A refresh blocked by the contract, which publishes nothing, is in tests/test_publish.py.

On another copy, refreshes with nothing new take the outcomes on tables from the last
validation of the same build and validate the source freshness view again.
"""

from __future__ import annotations

import json
import os
import pickle
import re
import subprocess
import sys
import time
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
import yaml

from crafted_kpis import CUSTOM_FIELD_VARS
from dbt_cli import dbt_build
from homes import copy_home, suites_with_acceptance_blocking
from orchestration import cli, contract_process
from orchestration.contract import COMMITMENTS, load_contract, write_contract_tables
from orchestration.home import CONTRACT_FILE, DBT_PROJECT_DIR, Home
from orchestration.kpi_contract import (
    EVERY_OFFENDING_ROW,
    Outcome,
    SuiteError,
    Validation,
    last_validation,
    load_suite,
    load_suites,
    remember_validation,
    reusable,
)
from orchestration.refresh import run_contract_check
from orchestration.warehouse import connect


def _contract(tmp: Path, name: str, commitments: str, disposition_days: int = 14) -> Path:
    """The shipped contract with other commitments (and disposition window)."""
    text = CONTRACT_FILE.read_text(encoding="utf-8")
    start = text.index("[version.commitments]")
    end = text.index("[version.points]")
    text = text[:start] + "[version.commitments]\n" + commitments + "\n" + text[end:]
    text = text.replace("disposition_days = 14", f"disposition_days = {disposition_days}")
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


def _rows(home: Home, sql: str) -> list[tuple]:
    with connect(home, read_only=True) as con:
        return con.execute(sql).fetchall()


def _results(home: Home, run_id: str, expectation: str) -> list[tuple]:
    return _rows(home, f"""
        select period, value, threshold, passed from marts.contract_results
        where run_id = '{run_id}' and expectation = '{expectation}'
        order by period nulls first""")


def _failed(outcome) -> dict[str, str]:
    """severity.suite.name -> summary of every failed expectation."""
    return {re.match(r"\[(\w+)\] (\S+):", c.summary).expand(r"\1.\2"): c.summary
            for c in outcome.contract if not c.passed}


def _rebuild_contract_marts(home: Home) -> subprocess.CompletedProcess:
    return dbt_build(home, ["int_lead_definitions_in_force", "tag:kpi", "tag:contract"],
                     {"restate": False}, "dbt_target_contract")


@pytest.fixture(scope="module")
def runs(tmp_path_factory, crafted_company):
    tmp = tmp_path_factory.mktemp("kpi_contract")
    home = copy_home(crafted_company[0], tmp / "home")
    strict = _contract(tmp, "strict.toml", """
min_sales_ready_leads_per_month = 2
min_acceptance_rate = 0.5
max_cost_per_sales_ready_lead = 250
min_sla_compliance_rate = 0.5
max_days_unworked = 3
""")
    lenient = _contract(tmp, "lenient.toml", """
min_acceptance_rate = 0
min_sla_compliance_rate = 0.5
max_days_unworked = 60
""", disposition_days=100)
    suites = suites_with_acceptance_blocking(tmp / "expectations")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("ALIGNMENT_HOME", str(home.root))
        env.setenv("ALIGNMENT_EXPECTATIONS", str(suites))
        env.setenv("ALIGNMENT_CONTRACT", str(strict))
        with connect(home) as con:
            write_contract_tables(con, load_contract(strict))
        seen = {"home": home, "started": time.time(),
                "strict_rebuild": _rebuild_contract_marts(home)}
        seen["strict"] = run_contract_check(home)
        # Same data, lenient contract.
        env.setenv("ALIGNMENT_EXPECTATIONS", str(Path(__file__).parent.parent / "expectations"))
        env.setenv("ALIGNMENT_CONTRACT", str(lenient))
        with connect(home) as con:
            write_contract_tables(con, load_contract(lenient))
            # hubspot's files landed three days ago
            con.execute("update raw.load_manifest set loaded_at = loaded_at - interval 3 day "
                        "where object like 'hubspot/%'")
        seen["rebuild"] = _rebuild_contract_marts(home)
        seen["lenient"] = run_contract_check(home)
        with connect(home) as con:
            con.execute("update marts.fct_funnel_monthly set mqls = leads + 1 "
                        "where cohort_month = date '2024-11-01' and sourced_by = 'marketing'")
        seen["tampered_exit"] = cli.main(["check", "--home", str(home.root)])
        yield seen


def test_the_shipped_suites_load_and_name_every_commitment():
    suites = {s.name: s for s in load_suites()}
    assert sorted(suites) == ["data_contract", "marketing", "sales"]
    assert [e.name for e in suites["marketing"].expectations] == [
        "sales_ready_leads_per_month", "acceptance_rate", "cost_per_sales_ready_lead"]
    # every commitment of the contract is judged by some expectation
    judged = {column for s in suites.values() for e in s.expectations
              for column in e.columns}
    assert set(COMMITMENTS) <= judged
    # and the dbt macro that carries them into the marts lists the same names
    macro = (DBT_PROJECT_DIR / "macros" / "contract" / "kpi_commitments.sql").read_text()
    listed = macro.split("return([")[1].split("])")[0]
    assert re.findall(r"'(\w+)',", listed) == list(COMMITMENTS)
    assert load_contract(CONTRACT_FILE)[-1].commitments == {
        "min_sales_ready_leads_per_month": 20, "min_acceptance_rate": 0.25,
        "max_cost_per_sales_ready_lead": 2000, "min_sla_compliance_rate": 0.8,
        "max_days_unworked": 3}


def test_a_suite_file_error_names_the_file_and_the_expectation(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("suite: s\nexpectations:\n  - name: x\n    description: d\n"
                   "    severity: fatal\n    mart: m\n    type: t\n", encoding="utf-8")
    with pytest.raises(SuiteError, match=r"bad.yml expectation #1 \(x\): severity must be one "
                                         r"of \('error', 'warn'\), got 'fatal'"):
        load_suite(bad)


def test_a_blocking_failure_fails_the_check_and_explains_itself(runs):
    assert runs["strict_rebuild"].returncode == 0, runs["strict_rebuild"].stdout[-3000:]
    strict = runs["strict"]
    # the run fails at the suite's step, after every suite was checked
    assert not strict.ok
    assert [f.split(":")[0] for f in strict.failures] == ["kpi_contract"]
    errors = [c.summary for c in strict.contract_errors]
    # November 2023: Y1 and Y2 handed over, neither accepted: 0 against the agreed 0.5
    assert errors == [
        "[error] marketing.acceptance_rate: Each complete month sales accept at least the "
        "agreed share of marketing's handoffs.\n"
        "    2023-11: acceptance_rate 0, agreed min_acceptance_rate 0.5"]


def test_marketing_breaks_its_volume_and_cost_commitments(runs):
    home, run_id = runs["home"], runs["strict"].run_id
    # judged months: November 2023 (Y1 Y2, 2 handoffs) to December 2024 (H); at least 2 a month
    volume = _results(home, run_id, "sales_ready_leads_per_month")
    assert len(volume) == 14
    assert [(p, v) for p, v, _, passed in volume if passed] == [
        (date(2023, 11, 1), 2.0), (date(2024, 11, 1), 4.0)]
    # acceptance is judged only where there were handoffs: 0/2, 2/4 (A C), 1/1 (H)
    assert _results(home, run_id, "acceptance_rate") == [
        (date(2023, 11, 1), 0.0, 0.5, False), (date(2024, 11, 1), 0.5, 0.5, True),
        (date(2024, 12, 1), 1.0, 0.5, True)]
    # spend / handoffs: 500 / 2; (400 Google + 200 LinkedIn + 300 CMP1 + 300 CMP2) / 4; 300 / 1
    assert _results(home, run_id, "cost_per_sales_ready_lead") == [
        (date(2023, 11, 1), 250.0, 250.0, True), (date(2024, 11, 1), 300.0, 250.0, False),
        (date(2024, 12, 1), 300.0, 250.0, False)]


def test_sales_break_by_a_lead_left_unworked_and_undecided(runs):
    failed = _failed(runs["strict"])
    # D: handed over 2024-11-12 16:00, never touched nor decided, 59.96 days at the as-of
    # moment; everyone else was worked within 3 days (B's first touch after 28 hours).
    assert failed["warn.sales.no_handoff_left_unworked"].splitlines()[1:] == [
        "    1 of 8 rows of marts.kpi_contract_handoffs break it, in 1 handoff_month periods",
        "    e.g. journey_id=sf_lead:D, lead_id=D, owner_name=Sam Sdr, "
        "handed_over_at=2024-11-12 16:00, first_sales_touch_at=null, days_unworked=59.96"]
    assert "journey_id=sf_lead:D" in failed["warn.sales.handoffs_dispositioned_in_time"]
    # the monthly SLA holds: 1 of 2, 2 of 4 (A C), 1 of 1 (H) against 0.5
    assert "warn.sales.sla_compliance_rate" not in failed
    assert "warn.sales.rejections_have_a_reason_code" not in failed
    assert not any(name.startswith("error.data_contract") for name in failed)


def test_under_a_lenient_contract_every_suite_passes_and_a_warning_does_not_block(runs):
    assert runs["rebuild"].returncode == 0, runs["rebuild"].stdout[-3000:]
    lenient = runs["lenient"]
    assert lenient.ok
    # 100 days to decide: D is pending, not ignored; 60 days of wait allowed: D's 59.96 is in
    assert list(_failed(lenient)) == ["warn.data_contract.sources_fresh__hubspot"]
    assert len(lenient.contract) == 42
    freshness = _results(runs["home"], lenient.run_id, "sources_fresh__hubspot")
    assert [(period, passed) for period, _, _, passed in freshness] == [(None, False)]


def test_a_broken_funnel_blocks_and_the_history_keeps_every_run(runs, crafted_company):
    assert runs["tampered_exit"] == 1
    home = runs["home"]
    # marketing's November 2024 cohort now has more MQLs than leads
    rows = _rows(home, """
        select period, value, passed from marts.contract_results
        where expectation = 'funnel_never_grows_down__leads_mqls' and not passed""")
    assert rows == [(date(2024, 11, 1), 1.0, False)]
    runs_kept = _rows(home, "select count(distinct run_id), min(checked_at) < max(checked_at) "
                            "from marts.contract_results")
    assert runs_kept == [(4, True)]  # the session refresh, strict, lenient, tampered
    site = home.reports / "gx" / "uncommitted" / "data_docs" / "local_site"
    index = (site / "index.html").read_text(encoding="utf-8")
    session_run = crafted_company[1].run_id
    # Data Docs: a page per suite and mart validated by each run (8), linked from the index;
    # each run renders its own pages only, so the session's were not written again here
    for (run_id,) in _rows(home, "select distinct run_id from marts.contract_results"):
        pages = list(site.glob(f"validations/*/*/{run_id}/*/*.html"))
        assert len(pages) == 8 and run_id in index
        assert (max(p.stat().st_mtime for p in pages) < runs["started"]) == (
            run_id == session_run)
    assert isinstance(_rows(home, "select max(checked_at) from marts.contract_results")[0][0],
                      datetime)
    # the stored results carry no fingerprint of the frames, which GX would hash row by row
    stored = {path: json.loads(path.read_text(encoding="utf-8"))
              for path in (home.reports / "gx" / "uncommitted" / "validations").rglob("*.json")}
    markers = [result["meta"]["batch_markers"] for result in stored.values()]
    assert len(markers) == 8 * 4
    assert [sorted(marker) for marker in markers] == [["ge_load_time"]] * len(markers)
    # nor the lists of every offending row: the count and the first ones (D, in the strict run)
    assert not any(EVERY_OFFENDING_ROW & set(expectation["result"])
                   for result in stored.values() for expectation in result["results"])
    [handoffs] = [result for path, result in stored.items()
                  if path.parts[-5:-2] == ("sales", "kpi_contract_handoffs", runs["strict"].run_id)]
    unworked = next(expectation["result"] for expectation in handoffs["results"]
                    if expectation["expectation_config"]["meta"]["name"]
                    == "no_handoff_left_unworked")
    assert (unworked["unexpected_count"], unworked["partial_unexpected_index_list"]) == (1, [5])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_validation_that_kept_memory_leaves_data_docs_to_a_fresh_process(
        tmp_path, monkeypatch, crafted_company):
    home = copy_home(crafted_company[0], tmp_path / "home")
    monkeypatch.setenv("ALIGNMENT_HOME", str(home.root))
    suites = load_suites()

    def worker() -> int:
        return contract_process._pool.submit(os.getpid).result()

    with contract_process.contract_process():
        started = worker()
        # a small company leaves far less behind than the threshold: the process stays
        kept = contract_process.run_suites(home, suites, "recycle-small")
        stayed = worker()
        # every validation counted as large: Data Docs go to a new process
        monkeypatch.setattr(contract_process, "RECYCLE_AFTER_BYTES", -1)
        recycled = contract_process.run_suites(home, suites, "recycle-large")
        fresh = worker()
        # unless the run did its heavy work meanwhile (publication): nothing left to make room
        # for, and a new process would import GX again while the run waits for Data Docs
        called = []
        contract_process.run_suites(home, suites, "recycle-published",
                                    meanwhile=lambda: called.append(worker) or True)
        kept_after_publication = worker()

    assert stayed == started and fresh != started
    assert called == [worker] and kept_after_publication == fresh
    assert [o.passed for o in recycled] == [o.passed for o in kept]
    assert not _alive(started)
    site = home.reports / "gx" / "uncommitted" / "data_docs" / "local_site"
    # both runs' pages rendered (a page per suite and mart: 8), the second by the new process
    for run_name in ("recycle-small", "recycle-large"):
        assert len(list(site.glob(f"validations/*/*/{run_name}/*/*.html"))) == 8


def test_an_earlier_outcome_holds_only_for_the_same_build_parameters_and_expectation():
    expectations = [e for suite in load_suites() for e in suite.expectations]
    tables = frozenset(e.mart for e in expectations) - {"source_freshness"}
    parameters = {"definition_versions": ["v1"]}
    earlier = Validation("build-1", parameters, "code-1", {
        e.key: (Outcome(e, True, 10, 0, ()), "run-1") for e in expectations})
    current = replace(earlier, checked={})
    reused, pending = reusable(expectations, earlier, current, tables)
    # the three freshness expectations read a view: validated again, the 39 others taken
    assert [e.name for e in pending] == [
        "sources_fresh__salesforce", "sources_fresh__hubspot", "sources_fresh__ads"]
    assert len(reused) == 39 and {run for _, run in reused.values()} == {"run-1"}
    # acceptance made blocking: another expectation under the same name, validated
    changed = [replace(e, severity="error") if e.name == "acceptance_rate" else e
               for e in expectations]
    assert [e.key for e in reusable(changed, earlier, current, tables)[1]] == [
        "data_contract.sources_fresh__salesforce", "data_contract.sources_fresh__hubspot",
        "data_contract.sources_fresh__ads", "marketing.acceptance_rate"]
    # another build, other parameters, other code or GX, no build noted, nothing kept:
    # everything validated
    for other in (replace(current, build_run_id="build-2"), replace(current, build_run_id=""),
                  replace(current, parameters={"definition_versions": []}),
                  replace(current, validator="code-2")):
        assert reusable(expectations, earlier, other, tables)[1] == expectations
    assert reusable(expectations, None, current, tables)[1] == expectations


def test_a_kept_validation_is_taken_only_if_it_reads_whole(tmp_path):
    home = Home.resolve(tmp_path / "home")
    assert last_validation(home) is None  # none kept yet
    kept = Validation("build-1", {}, "code-1", {})
    remember_validation(home, kept)
    assert last_validation(home) == kept
    # written by an older version of the module, without a field of this one
    older = Validation("build-1", {}, "code-1", {})
    object.__delattr__(older, "validator")
    path = home.dbt_target / "alignment_last_validation.pickle"
    path.write_bytes(pickle.dumps(older))
    assert last_validation(home) is None
    path.write_bytes(b"not a pickle")
    assert last_validation(home) is None

def _alignment(home: Home, *args: str) -> subprocess.CompletedProcess:
    """The CLI on a copy of the session's company, with the session's dbt vars (so a refresh
    finds nothing to build) and the shipped contract and suites."""
    env = {**os.environ, "ALIGNMENT_HOME": str(home.root),
           "ALIGNMENT_DBT_VARS": yaml.safe_dump(CUSTOM_FIELD_VARS)}
    for key in ("ALIGNMENT_CONTRACT", "ALIGNMENT_EXPECTATIONS"):
        env.pop(key, None)
    return subprocess.run([str(Path(sys.executable).parent / "alignment"), *args], env=env,
                          capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def nothing_new(tmp_path_factory, crafted_company):
    home = copy_home(crafted_company[0], tmp_path_factory.mktemp("nothing_new") / "home")
    with connect(home) as con:
        # hubspot's files landed three days ago; the funnel changed behind dbt's back
        con.execute("update raw.load_manifest set loaded_at = loaded_at - interval 3 day "
                    "where object like 'hubspot/%'")
        con.execute("update marts.fct_funnel_monthly set mqls = leads + 1 "
                    "where cohort_month = date '2024-11-01' and sourced_by = 'marketing'")
    seen = {"home": home, "refresh": _alignment(home, "refresh")}
    seen["check"] = _alignment(home, "check")
    seen["after_check"] = _alignment(home, "refresh")
    seen["runs"] = _rows(home, "select run_id from marts.contract_results "
                               "group by run_id order by min(checked_at)")
    return seen


def test_a_refresh_with_nothing_new_takes_the_builds_outcomes_and_checks_freshness(
        nothing_new, crafted_company):
    home, refresh = nothing_new["home"], nothing_new["refresh"]
    session_run = crafted_company[1].run_id
    assert refresh.returncode == 0, refresh.stderr[-3000:]
    assert "dbt build: skip" in refresh.stderr
    assert (f"KPI contract: 39 expectations on the tables of build {session_run} as its last "
            "validation found them; 3 validated") in refresh.stderr
    # the view was read again: hubspot is 3 days stale now, fresh at the session's refresh
    assert "[warn] data_contract.sources_fresh__hubspot" in refresh.stdout
    # the tables were not: the tampered funnel went unseen, every other result is the
    # session's, recorded again under this run
    (_, this_run, _, _) = [run for (run,) in nothing_new["runs"]]
    assert "funnel_never_grows_down" not in refresh.stdout
    results = """
        select expectation, period, value, threshold, passed from marts.contract_results
        where run_id = '{}' and mart <> 'source_freshness' order by all"""
    taken = _rows(home, results.format(this_run))
    assert len(taken) == 284 and taken == _rows(home, results.format(session_run))


def test_alignment_check_reads_the_tables_and_the_next_refresh_takes_what_it_found(
        nothing_new, crafted_company):
    check, after = nothing_new["check"], nothing_new["after_check"]
    # `alignment check` validates every expectation: the tampered cohort blocks
    assert check.returncode == 1
    assert "[error] data_contract.funnel_never_grows_down__leads_mqls" in check.stdout
    # the refresh after it, with nothing new, takes the check's outcomes on the same build
    assert after.returncode == 1
    assert (f"KPI contract: 39 expectations on the tables of build {crafted_company[1].run_id}"
            " as its last validation found them; 3 validated") in after.stderr
    assert "[error] data_contract.funnel_never_grows_down__leads_mqls" in after.stderr
    home = nothing_new["home"]
    assert _rows(home, f"""
        select period, value, passed from marts.contract_results
        where run_id = '{nothing_new["runs"][-1][0]}'
        and expectation = 'funnel_never_grows_down__leads_mqls' and not passed""") == [
        (date(2024, 11, 1), 1.0, False)]
