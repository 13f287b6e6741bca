"""`make bench`: full and one-day incremental refreshes per stage, against a hand-written floor.

For each size: generate a company (`alignment generate`), hold back its last day, measure a
full refresh, time the floor (benchmarks/floor.sql) and dbt's own funnel models on the same
raw tables, land the held-back day and measure the refresh that loads it, then one more
refresh with nothing new (the fixed overhead: dbt skipped). --repeat runs those steps that
many times, each on a copy of the generated company (the machine is shared and noisy): the
table quotes the medians of the times and of each run's own ratios, and the largest peak
memory. Results go to benchmarks/results.json and the table between the bench markers of
docs/performance.md; the sizes not measured keep their earlier results (merged()).

--large writes benchmarks/results_large.json and the table between the bench-large markers
instead (`make bench-large`: 10M leads); --full-only measures the full refresh alone;
--gzip-landing compresses the landing files (and the held-back day) as the exports' gzip
variants do (.csv.gz, .jsonl.gz) before the refresh reads them.

    python benchmarks/run.py --sizes 10000 20000 100000 1000000 [--repeat 3] [--work DIR]
    python benchmarks/run.py --sizes 10000000 --large --gzip-landing --repeat 1 [--full-only]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path

import duckdb

from orchestration.assets.dbt import dbt_vars
from orchestration.build_state import dbt_threads, largest_raw_table_rows
from orchestration.demo.day_split import hold_back_days, land_day
from orchestration.home import DBT_PROJECT_DIR

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import measure_refresh  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ALIGNMENT = str(Path(sys.executable).parent / "alignment")
DOC = ROOT / "docs" / "performance.md"
# Where results go: (results file, the doc table's markers), by --large.
OUTPUTS = {False: (ROOT / "benchmarks" / "results.json",
                   ("<!-- bench:start -->", "<!-- bench:end -->")),
           True: (ROOT / "benchmarks" / "results_large.json",
                  ("<!-- bench-large:start -->", "<!-- bench-large:end -->"))}
# dbt's models that do what benchmarks/floor.sql does, from the staging (dedupe) of the raw
# tables it reads to the monthly cohorts (and the views they read).
FUNNEL_MODELS = ("stg_salesforce__leads", "stg_hubspot__contacts", "stg_hubspot__form_submissions",
                 "stg_hubspot__email_events", "stg_salesforce__campaign_members",
                 "stg_salesforce__lead_history", "int_salesforce_leads_merged",
                 "int_hubspot_contacts_merged", "int_hubspot_contacts_matched",
                 "int_journeys_identified", "int_identity_journeys", "int_touches_unioned",
                 "int_touches_scored", "int_job_titles_classified", "int_journeys_fit_evaluated",
                 "int_journeys_scored", "int_lead_stages_dated", "fct_lead_funnel",
                 "fct_funnel_monthly")

FLOOR_SCRIPT = """
import duckdb, pathlib, sys, time
con = duckdb.connect(sys.argv[1])
con.execute("set enable_progress_bar = false")
con.execute(f"attach '{sys.argv[2]}' as w (read_only)")
started = time.monotonic()
con.execute(pathlib.Path(sys.argv[3]).read_text())
print(time.monotonic() - started)
"""


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
               platform.processor())
    memory = next(int(line.split()[1]) * 1024 for line in
                  Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                            capture_output=True, text=True).stdout.strip()
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(memory / 2**30, 1),
            "python": platform.python_version(), "commit": commit,
            "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "load_average_at_start": round(os.getloadavg()[0], 2)}


def funnel_models_seconds(home: Path) -> float:
    """dbt's funnel models rebuilt alone after the full refresh, as the floor runs alone (in
    the refresh they share the 2 cores with other models and tests), on the threads the
    refresh gives dbt for this warehouse: the execution time dbt reports for the run, its
    start-up and parse left out as the floor's Python start is."""
    target = home / "dbt_target_funnel"
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        threads = dbt_threads(largest_raw_table_rows(con))
    subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), "run", "--full-refresh",
         "--select", *FUNNEL_MODELS, "--vars", json.dumps(dbt_vars(restate=False)),
         *(["--threads", str(threads)] if threads else []),
         "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
         "--target-path", str(target), "--log-path", str(home / "logs")],
        env={**os.environ, "ALIGNMENT_HOME": str(home)}, capture_output=True, check=True)
    return json.loads((target / "run_results.json").read_text())["elapsed_time"]


def floor(home: Path) -> dict:
    scratch = home / "floor.duckdb"
    scratch.unlink(missing_ok=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    done = subprocess.run([sys.executable, "-c", FLOOR_SCRIPT, str(scratch),
                           str(home / "warehouse.duckdb"), str(ROOT / "benchmarks" / "floor.sql")],
                          capture_output=True, text=True, check=True)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    scratch.unlink(missing_ok=True)
    # ru_maxrss is the largest child so far (KiB): exact when the floor is the largest yet
    return {"seconds": float(done.stdout.strip()),
            "peak_rss_bytes": peak * 1024 if peak > before else None}


def gzip_files(folder: Path) -> None:
    """Every CSV and JSON lines file under folder gzipped (gzip -1, one process per core), as
    exports often come."""
    files = [str(path) for path in folder.rglob("*") if path.suffix in (".csv", ".jsonl")]
    with ThreadPoolExecutor(os.cpu_count()) as pool:
        list(pool.map(lambda path: subprocess.run(["gzip", "-1", path], check=True), files))


def bench_size(leads: int, work: Path, *, repeat: int = 1, full_only: bool = False,
               gzip: bool = False) -> dict:
    home = work / f"leads_{leads}"
    shutil.rmtree(home, ignore_errors=True)
    started = time.monotonic()
    subprocess.run([ALIGNMENT, "generate", "--home", str(home), "--leads", str(leads),
                    "--seed", "42"], check=True, capture_output=True)
    generate_seconds = time.monotonic() - started
    run = {"leads": leads, "generate_seconds": round(generate_seconds, 1),
           "landing": "gzip" if gzip else "as generated",
           "memory_limit": os.environ.get("ALIGNMENT_MEMORY_LIMIT", "80%")}
    if not full_only:
        # split as text, then gzipped by gzip(1): Python's gzip was half of a gzipped split
        started = time.monotonic()
        run["rows_held_back_for_the_day"] = hold_back_days(home, 1, home / "day2")
        run["day_split_seconds"] = round(time.monotonic() - started, 1)
    if gzip:
        gzip_files(home / "landing")
        if not full_only:
            gzip_files(home / "day2")
    if repeat == 1:
        runs = [measure_steps(home, leads, full_only=full_only)]
    else:
        runs = []
        for number in range(1, repeat + 1):
            # Each run from the company as generated; the last one's home stays to look at.
            copy = work / f"leads_{leads}_run{number}"
            shutil.rmtree(copy, ignore_errors=True)
            shutil.copytree(home, copy)
            runs.append(measure_steps(copy, leads, full_only=full_only))
            if number < repeat:
                shutil.rmtree(copy)
    return {**run, **medians(runs), "runs": runs}


def measure_steps(home: Path, leads: int, *, full_only: bool = False) -> dict:
    """One run of the measured steps on a generated company, its day held back."""
    (home / "logs").mkdir(parents=True, exist_ok=True)
    full = measure_refresh(ALIGNMENT, home, home / "logs" / "bench_full.log")
    if full.returncode != 0:
        raise SystemExit(f"the full refresh of {leads} leads failed: {home}/logs/bench_full.log")
    if full_only:
        return {"full": asdict(full)}
    funnel_seconds = funnel_models_seconds(home)
    floor_result = floor(home)
    land_day(home / "day2", home / "landing")
    incremental = measure_refresh(ALIGNMENT, home, home / "logs" / "bench_incremental.log")
    if incremental.returncode != 0:
        raise SystemExit(f"the incremental refresh of {leads} leads failed: "
                         f"{home}/logs/bench_incremental.log")
    # the schedule's refresh on a day nothing landed: the fixed overhead, dbt skipped
    unchanged = measure_refresh(ALIGNMENT, home, home / "logs" / "bench_unchanged.log")
    if unchanged.returncode != 0:
        raise SystemExit(f"the unchanged refresh of {leads} leads failed: "
                         f"{home}/logs/bench_unchanged.log")
    return {
        "full": asdict(full),
        "incremental": asdict(incremental),
        "unchanged": asdict(unchanged),
        "dbt_funnel_models_seconds": round(funnel_seconds, 2),
        "floor": floor_result,
        "funnel_to_floor_ratio": round(funnel_seconds / floor_result["seconds"], 2),
        "incremental_to_full_ratio": round(incremental.wall_seconds / full.wall_seconds, 3),
        "unchanged_to_full_ratio": round(unchanged.wall_seconds / full.wall_seconds, 3),
    }


def medians(runs: list[dict]) -> dict:
    """The runs' medians, each ratio the median of the runs' own ratios (never a ratio of two
    medians), the CPU cores a refresh and each stage kept busy among them (its CPU seconds over
    its wall seconds); peak memory the largest of the runs', as its target is a ceiling."""
    def median(values: list[float | None]) -> float | None:
        known = [value for value in values if value is not None]
        return statistics.median(known) if known else None

    def cores(cpu: float | None, seconds: float | None) -> float | None:
        # None for runs measured before the bench read CPU time (session 48)
        return cpu / seconds if cpu is not None and seconds else None

    summary: dict = {}
    for kind in ("full", "incremental", "unchanged"):
        if kind not in runs[0]:
            continue
        measures = [run[kind] for run in runs]
        summary[kind] = {
            "wall_seconds": median([m["wall_seconds"] for m in measures]),
            "peak_rss_bytes": max(m["peak_rss_bytes"] for m in measures),
            "returncode": max(m["returncode"] for m in measures),
            "cores_busy": median([cores(m.get("cpu_seconds"), m["wall_seconds"])
                                  for m in measures]),
            "stages": {stage: {
                "seconds": median([m["stages"].get(stage, {}).get("seconds") for m in measures]),
                "peak_rss_bytes": max(m["stages"].get(stage, {}).get("peak_rss_bytes", 0)
                                      for m in measures),
                "cores_busy": median([cores(m["stages"].get(stage, {}).get("cpu_seconds"),
                                            m["stages"].get(stage, {}).get("seconds"))
                                      for m in measures])}
                for stage in measures[0]["stages"]}}
    for key in ("dbt_funnel_models_seconds", "funnel_to_floor_ratio",
                "incremental_to_full_ratio", "unchanged_to_full_ratio"):
        if key in runs[0]:
            summary[key] = median([run[key] for run in runs])
    if "floor" in runs[0]:
        summary["floor"] = {"seconds": median([run["floor"]["seconds"] for run in runs]),
                            "peak_rss_bytes": median([run["floor"]["peak_rss_bytes"]
                                                      for run in runs])}
    return summary


def _gb(value: int | None) -> str:
    return "–" if not value else f"{value / 2**30:.2f}"


def _measured(machine: dict) -> str:
    return (f"{machine['date']} at commit {machine['commit']} on {machine['cores']} cores "
            f"({machine['cpu']}), {machine['memory_gb']} GB, load average "
            f"{machine['load_average_at_start']} at start; {_runs_per_size(machine)}")


def _heading(results: dict, results_file: Path) -> list[str]:
    """When the rows were measured: one sentence, or one line per run of the bench when the
    sizes come from several (a run of some sizes keeps the others' rows: merged())."""
    groups: dict[str, tuple[dict, list[str]]] = {}
    for run in results["runs"]:
        machine = run.get("machine", results["machine"])
        key = json.dumps(machine, sort_keys=True)
        groups.setdefault(key, (machine, []))[1].append(f"{run['leads']:,}")
    source = f"benchmarks/{results_file.name}"
    if len(groups) <= 1:
        machine = next(iter(groups.values()))[0] if groups else results["machine"]
        return [f"Measured {_measured(machine)} ({source}).", ""]
    return [f"Each size as the latest run of the bench that measured it ({source}); seconds "
            "compare within one run only:", "",
            *(f"- {', '.join(sizes)} leads: measured {_measured(machine)}."
              for machine, sizes in groups.values()), ""]


STAGES = ("startup", "ingest", "dbt", "contract", "publish", "report")


def _cores(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def table(results: dict, results_file: Path) -> str:
    lines = [*_heading(results, results_file),
             "| leads | refresh | wall s | startup | ingest | dbt | contract | publish | "
             "report | peak GB | / full | dbt funnel models s | floor s | "
             "funnel / floor |",
             "|" + "---|" * 14]
    cores = []  # runs measured since the bench reads CPU time (session 48)
    for run in results["runs"]:
        for kind in ("full", "incremental", "unchanged"):
            if kind not in run:
                continue
            measured = run[kind]
            stages = measured["stages"]
            cells = [f"{stages[s]['seconds']:.1f}" if s in stages else "–" for s in STAGES]
            lines.append(
                f"| {run['leads']:,} | {kind} | {measured['wall_seconds']:.1f} | "
                + " | ".join(cells)
                + f" | {_gb(measured['peak_rss_bytes'])} | "
                + (f"{run[f'{kind}_to_full_ratio']:.2f}" if kind != "full" else "")
                + (f" | {run['dbt_funnel_models_seconds']:.1f} | {run['floor']['seconds']:.1f} | "
                   f"{run['funnel_to_floor_ratio']:.1f} |" if "floor" in run and kind == "full"
                   else " | | | |"))
            if measured.get("cores_busy") is not None:
                cores.append(f"| {run['leads']:,} | {kind} | {_cores(measured['cores_busy'])} | "
                             + " | ".join(_cores(stages.get(s, {}).get("cores_busy"))
                                          for s in STAGES) + " |")
    if cores:
        lines += ["", "CPU cores busy (the median of each run's CPU seconds over its wall "
                  "seconds; 2 is every core of this machine):", "",
                  "| leads | refresh | whole | " + " | ".join(STAGES) + " |",
                  "|" + "---|" * (3 + len(STAGES)), *cores]
    return "\n".join(lines)


def _runs_per_size(machine: dict) -> str:
    repeat = machine.get("repeat", 1)
    if repeat == 1:
        return "one run per size"
    return (f"the median of {repeat} runs per size (each ratio the median of the runs' own), "
            f"peak GB the largest")


def merged(previous: dict | None, measured: dict) -> dict:
    """The runs just measured, and the previous results' runs of the sizes not measured now,
    by size; each run keeps the machine, commit, date and load it was measured with, so that
    `make bench SIZES=20000` does not lose the 1M readings."""
    sizes = {run["leads"] for run in measured["runs"]}
    kept = [{**run, "machine": run.get("machine", previous["machine"])}
            for run in (previous or {}).get("runs", []) if run["leads"] not in sizes]
    return {"machine": measured["machine"],
            "runs": sorted(kept + measured["runs"], key=lambda run: run["leads"])}


def write_doc(results: dict, results_file: Path, markers: tuple[str, str]) -> None:
    text = DOC.read_text(encoding="utf-8")
    start, end = markers
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    DOC.write_text(f"{head}{start}\n{table(results, results_file)}\n{end}{tail}", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 20_000, 100_000, 1_000_000])
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "work")
    parser.add_argument("--large", action="store_true",
                        help="write results_large.json and the bench-large table")
    parser.add_argument("--full-only", action="store_true",
                        help="measure the full refresh only")
    parser.add_argument("--gzip-landing", action="store_true",
                        help="gzip the generated landing files before the refresh reads them")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of the measured steps per size (medians quoted)")
    args = parser.parse_args()
    results_file, markers = OUTPUTS[args.large]
    previous = (json.loads(results_file.read_text(encoding="utf-8"))
                if results_file.exists() else None)
    measured = {"machine": {**machine(), "repeat": args.repeat}, "runs": []}
    for leads in args.sizes:
        print(f"bench: {leads:,} leads ...", file=sys.stderr, flush=True)
        run = bench_size(leads, args.work, repeat=args.repeat, full_only=args.full_only,
                         gzip=args.gzip_landing)
        measured["runs"].append({**run, "machine": measured["machine"]})
        print(f"bench: {leads:,} leads: full {run['full']['wall_seconds']:.1f}s", file=sys.stderr,
              flush=True)
        results = merged(previous, measured)
        results_file.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        write_doc(results, results_file, markers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
