"""Wall time, CPU time and peak memory of an `alignment refresh`, per stage.

The refresh runs as a subprocess; its progress lines on stderr ("start alignment_dbt",
"built raw/...") say which stage it is in, and a sampler adds up the resident memory of its
whole process tree (the refresh and the KPI contract's process it starts) ten times a
second. The tree's CPU time is read as each stage starts, and for the whole refresh from what
the system reports of it once it ended: a stage whose CPU seconds come near its wall seconds
times the cores keeps them all busy, and only less work shortens it, not more overlap.
"""

from __future__ import annotations

import os
import resource
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE")
TICKS = os.sysconf("SC_CLK_TCK")
# Which stage a step belongs to, by the step key's prefix (orchestration/progress.py lines).
STAGES = (("raw", "ingest"), ("contract__", "ingest"), ("alignment_dbt", "dbt"),
          ("kpi_contract", "contract"), ("published__", "publish"), ("reports__", "report"))


@dataclass
class StageMeasure:
    seconds: float = 0.0
    peak_rss_bytes: int = 0
    cpu_seconds: float = 0.0  # of every core


@dataclass
class Measure:
    wall_seconds: float = 0.0
    peak_rss_bytes: int = 0
    returncode: int | None = None
    stages: dict[str, StageMeasure] = field(default_factory=dict)
    cpu_seconds: float = 0.0


def _tree(pid: int) -> list[int]:
    """The process and its descendants alive now."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
        found.append(current)
    return found


def _tree_rss(pid: int) -> int:
    total = 0
    for current in _tree(pid):
        try:
            total += int(Path(f"/proc/{current}/statm").read_text().split()[1]) * PAGE
        except (OSError, ValueError):
            continue
    return total


def _tree_cpu_seconds(pid: int) -> float:
    """CPU time of the tree so far: each process's own (all its threads') and that of the
    children it reaped (a contract process recycled during the run)."""
    ticks = 0
    for current in _tree(pid):
        try:
            stat = Path(f"/proc/{current}/stat").read_text()
        except OSError:
            continue
        # proc(5): utime, stime, cutime and cstime are fields 14 to 17; the name (field 2)
        # may hold spaces, so they are counted from its closing parenthesis (field 3 next).
        ticks += sum(int(value) for value in stat[stat.rindex(")") + 2:].split()[11:15])
    return ticks / TICKS


def _children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def stage_of(line: str, current: str) -> str:
    words = line.split()
    if len(words) >= 3 and words[1] == "start":
        return next((stage for prefix, stage in STAGES if words[2].startswith(prefix)), current)
    return current


def measure_refresh(alignment: str, home: Path, log: Path) -> Measure:
    measure = Measure()
    state = {"stage": "startup", "since": time.monotonic(), "cpu": 0.0}
    env = {**os.environ, "ALIGNMENT_HOME": str(home)}
    cpu_before = _children_cpu_seconds()
    started = time.monotonic()
    process = subprocess.Popen([alignment, "refresh"], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            rss = _tree_rss(process.pid)
            stage = measure.stages.setdefault(state["stage"], StageMeasure())
            stage.peak_rss_bytes = max(stage.peak_rss_bytes, rss)
            measure.peak_rss_bytes = max(measure.peak_rss_bytes, rss)
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    with log.open("w", encoding="utf-8") as out:
        for line in process.stderr:
            out.write(line)
            stage = stage_of(line, state["stage"])
            if stage != state["stage"]:
                now, cpu = time.monotonic(), _tree_cpu_seconds(process.pid)
                ended = measure.stages.setdefault(state["stage"], StageMeasure())
                ended.seconds += now - state["since"]
                ended.cpu_seconds += cpu - state["cpu"]
                state.update(stage=stage, since=now, cpu=cpu)
    measure.returncode = process.wait()
    done.set()
    sampler.join()
    now = time.monotonic()
    measure.cpu_seconds = _children_cpu_seconds() - cpu_before
    last = measure.stages.setdefault(state["stage"], StageMeasure())
    last.seconds += now - state["since"]
    last.cpu_seconds += max(measure.cpu_seconds - state["cpu"], 0.0)
    measure.wall_seconds = now - started
    return measure
