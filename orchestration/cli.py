"""`alignment`: generate demo data, refresh the warehouse, show its status."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path

from orchestration.home import Home


def _generate(args: argparse.Namespace, home: Home) -> int:
    from orchestration.demo import generate

    started = time.monotonic()
    truth = generate(home.root, leads=args.leads, seed=args.seed,
                     progress=lambda message: print(message, file=sys.stderr, flush=True))
    print(f"generated {args.leads} leads (seed {args.seed}) in "
          f"{time.monotonic() - started:.1f}s under {home.landing}")
    print(f"ground truth: {home.root / 'demo_truth.json'} "
          f"(acceptance rate {truth['funnel']['acceptance_rate_observed']:.3f}, "
          f"sales-sourced share {truth['funnel']['sales_sourced_share_observed']:.3f})")
    return 0


def _print_contract(outcome, out) -> None:
    """The KPI contract's failures, blocking ones first, and a one-line tally."""
    failing = [*outcome.contract_errors, *outcome.contract_warnings]
    for check in failing:
        print(check.summary, file=out)
    if outcome.contract:
        print(f"KPI contract: {len(outcome.contract) - len(failing)} of {len(outcome.contract)} "
              f"expectations met, {len(outcome.contract_errors)} blocking failures, "
              f"{len(outcome.contract_warnings)} warnings (history: marts.contract_results)",
              file=out)


def _publication_line(home: Home, outcome) -> str:
    publication = outcome.publication
    if outcome.published:
        return (f"published: {publication.tables} tables to {home.published} "
                f"(and Parquet under {home.published_parquet}/)")
    if publication is None:
        return "nothing published yet: BI tools have no marts.duckdb until a refresh passes"
    return (f"BI tools still read the previous publication, of run {publication.run_id} "
            f"at {publication.published_at:%Y-%m-%d %H:%M} UTC (unchanged)")


def _refresh(args: argparse.Namespace, home: Home) -> int:
    from orchestration.refresh import run_refresh

    started = time.monotonic()
    outcome = run_refresh(home, restate=args.restate, full_refresh=args.full_refresh)
    seconds = time.monotonic() - started
    if outcome.stale_lock:
        print(f"note: {outcome.stale_lock}", file=sys.stderr)
    if not outcome.ok:
        print(f"refresh FAILED after {seconds:.1f}s (run {outcome.run_id})", file=sys.stderr)
        for failure in outcome.failures:
            print(f"  failed: {failure}", file=sys.stderr)
        for check in outcome.failed_checks:
            print(f"  failed dbt test: {check}", file=sys.stderr)
        _print_contract(outcome, sys.stderr)
        print(f"  dbt's full output: {outcome.log}", file=sys.stderr)
        print(_publication_line(home, outcome), file=sys.stderr)
        return 1
    print(f"refresh done in {seconds:.1f}s: {home.warehouse}"
          + (" (history restated under the current lead definition)" if args.restate else ""))
    for check in outcome.failed_checks:
        print(f"  warning, dbt test failed: {check}")
    _print_contract(outcome, sys.stdout)
    print(_publication_line(home, outcome))
    return 0


def _check(args: argparse.Namespace, home: Home) -> int:
    from orchestration.kpi_contract import data_docs_index
    from orchestration.refresh import run_contract_check

    outcome = run_contract_check(home)
    for failure in outcome.failures:
        print(f"  failed: {failure}", file=sys.stderr)
    _print_contract(outcome, sys.stdout)
    print(f"Data Docs: {data_docs_index(home)}")
    return 0 if outcome.ok else 1


def _whatif(args: argparse.Namespace, home: Home) -> int:
    from orchestration.whatif import candidate_versions, format_table, run_whatif

    started = time.monotonic()
    versions = candidate_versions(args.set or [], args.contract)
    label = str(args.contract) if args.contract else " ".join(args.set or []) or "no change"
    report = run_whatif(home, versions, label)
    print(f"what-if: {label} (version {versions[-1].version}), "
          f"{time.monotonic() - started:.1f}s; the warehouse is unchanged")
    print(format_table(report.rows))
    print(f"written: {report.csv_path} and {report.json_path}")
    return 0


def _status(args: argparse.Namespace, home: Home) -> int:
    from orchestration.status import funnel_summary, warehouse_status

    print(warehouse_status(home))
    if args.funnel:
        print("Funnel by sourcing (marts.fct_lead_funnel):")
        print(funnel_summary(home))
    return 0


def _report(args: argparse.Namespace, home: Home) -> int:
    from orchestration.report import build_report

    # The path alone, so `xdg-open "$(alignment report)"` opens it.
    print(build_report(home))
    return 0


def _glossary(args: argparse.Namespace, home: Home) -> int:
    from orchestration.glossary import write_glossary

    print(f"wrote {write_glossary()}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="alignment", description=__doc__)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--home", help="home folder (default: $ALIGNMENT_HOME or ./data)")
    commands = parser.add_subparsers(dest="command", required=True)

    generate = commands.add_parser("generate", parents=[common],
                                   help="write a synthetic B2B company into landing/")
    generate.add_argument("--leads", type=int, default=20_000)
    generate.add_argument("--seed", type=int, default=42)
    generate.set_defaults(run=_generate)

    refresh = commands.add_parser("refresh", parents=[common],
                                  help="load new landing files and rebuild the marts")
    refresh.add_argument("--restate", action="store_true",
                         help="judge all history by the current lead definition")
    refresh.add_argument("--full-refresh", action="store_true",
                         help="rebuild the incremental facts from raw, not from the last build")
    refresh.set_defaults(run=_refresh)

    check = commands.add_parser("check", parents=[common],
                                help="check the KPI contract (expectations/) against the "
                                     "warehouse as it is; exit 1 on a blocking failure")
    check.set_defaults(run=_check)

    whatif = commands.add_parser("whatif", parents=[common],
                                 help="funnel KPIs under a candidate contract, beside the current")
    whatif.add_argument("--set", action="append", metavar="KEY=VALUE",
                        help="edit the current version, e.g. mql_threshold=60 or "
                             "points.webinar_attended=25 (repeatable)")
    whatif.add_argument("--contract", type=Path, help="a whole candidate contract file")
    whatif.set_defaults(run=_whatif)

    status = commands.add_parser("status", parents=[common],
                                 help="last loads, quarantine counts, mart row counts")
    status.add_argument("--funnel", action="store_true", help="also print the funnel summary")
    status.set_defaults(run=_status)
    report = commands.add_parser("report", parents=[common],
                                 help="write reports/alignment-report.html (charts over the "
                                      "marts, works offline) and print its path")
    report.set_defaults(run=_report)

    from orchestration.metrics import run as run_metrics

    metrics = commands.add_parser("metrics", parents=[common],
                                  help="MetricFlow (mf) over the warehouse, read-only, e.g. "
                                       "metrics query --metrics acceptance_rate "
                                       "--group-by metric_time__month")
    metrics.add_argument("mf_args", nargs=argparse.REMAINDER, help="arguments passed to mf")
    metrics.set_defaults(run=run_metrics)

    glossary = commands.add_parser("glossary", parents=[common],
                                   help="regenerate docs/definitions.md from the contract")
    glossary.set_defaults(run=_glossary)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args, Home.resolve(args.home))
    except (FileNotFoundError, ValueError, RuntimeError) as error:
        # WarehouseBusy (a RuntimeError) lands here too: another run holds the home.
        print(f"alignment {args.command}: {error}", file=sys.stderr)
        return 2


def run() -> None:
    """The `alignment` command: main(), then exit without tearing the interpreter down. Its
    millions of objects (Dagster, dbt, Great Expectations) take 1–2 s to free after the work
    is done; the output is flushed first."""
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    logging.shutdown()
    os._exit(code)


if __name__ == "__main__":
    run()
