"""The KPI contract's suites run in a process of their own, started as a run begins.

Great Expectations takes about 4.5 s of CPU to import (scipy, its data sources and its
expectations), and a refresh is single-threaded Python until dbt runs. Imported in a thread of
the run's process it slowed the steps beside it by about as much as it saved. A second
process imports it on the other core while the run imports Dagster and dbt and loads the
landing files; the contract's step hands it the suites and takes the outcomes back. It then
renders Data Docs (about 1 s) while the run publishes, and the run waits for them at its end.
A validation that left the process much larger than its import did (large marts: their
strings stay in the allocator's arenas) is followed by a fresh process for Data Docs, so that
it does not sit on that memory beside publication's.

Runs launched without `contract_process()` (the Dagster UI, the schedule) check the suites and
render Data Docs in their own process, as before.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import TYPE_CHECKING

from orchestration.long_lived import long_lived_objects

if TYPE_CHECKING:
    from orchestration.home import Home
    from orchestration.kpi_contract import Outcome, Suite

_pool: ProcessPoolExecutor | None = None
_rendering: list[Future] = []
# Memory a validation may leave behind in the process before Data Docs move to a fresh one,
# when publication is still to come (run_suites' meanwhile). At 20k leads it leaves ~70 MB,
# at 1M ~290 MB (after a 1 GB peak); at 10M, which peaked at 5.4 GB, what it kept would have
# added to publication's 6 GB.
RECYCLE_AFTER_BYTES = 256 * 2**20
_imported_bytes = 0  # in the contract process: its size once GX is imported


def _resident_bytes() -> int:
    """This process's resident memory (0 where /proc is not)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return 0


def _exit_with(parent: int) -> None:
    # A run killed outright (SIGKILL, out of memory) cannot stop its pool, and the process
    # would wait for work forever: it leaves when the run's process is gone.
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


def _start() -> None:
    threading.Thread(target=_exit_with, args=(os.getppid(),), daemon=True).start()
    with long_lived_objects():
        from orchestration.kpi_contract import import_great_expectations

        import_great_expectations()
    global _imported_bytes
    _imported_bytes = _resident_bytes()
    # Told to stop, the process exits without tearing down Great Expectations' objects, which
    # takes 1.5 s (atexit handlers run before the teardown).
    atexit.register(os._exit, 0)


def _validate(home: Home, suites: list[Suite], run_name: str) -> tuple[list[Outcome], int]:
    """kpi_contract.run_suites, and how much larger it left this process."""
    from orchestration import kpi_contract

    outcomes = kpi_contract.run_suites(home, suites, run_name)
    return outcomes, _resident_bytes() - _imported_bytes


def _new_pool() -> ProcessPoolExecutor:
    # spawn, not fork: the run's process has threads (Dagster's, DuckDB's) by then.
    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_start)
    pool.submit(int)  # starts the process now rather than when work comes
    return pool


@contextmanager
def contract_process() -> Iterator[None]:
    """While open, run_suites() runs the suites in a process that has imported GX."""
    global _pool
    _pool = _new_pool()
    try:
        yield
    finally:
        pool, _pool = _pool, None
        for rendering in _rendering:
            if rendering.exception() is not None:
                logging.getLogger(__name__).warning(
                    "KPI contract: Data Docs not rendered: %s", rendering.exception())
        _rendering.clear()
        pool.shutdown(cancel_futures=True)


def run_suites(home: Home, suites: list[Suite], run_name: str,
               meanwhile: Callable[[], bool] | None = None) -> list[Outcome]:
    """orchestration.kpi_contract.run_suites, then render_data_docs: in the contract process
    when one is open (Data Docs then while the run goes on), else in this one.

    meanwhile: called in this process while the contract process validates (not at all when
    none is open); True when it did the run's heavy work left (publication), so that the
    contract process need not give its memory back before Data Docs."""
    global _pool
    from orchestration import kpi_contract

    if _pool is not None:
        try:
            validation = _pool.submit(_validate, home, suites, run_name)
            heavy_work_done = meanwhile() if meanwhile is not None else False
            outcomes, kept = validation.result()
        except BrokenProcessPool:
            # The process could not start (multiprocessing re-imports the caller's __main__,
            # which fails when that is stdin): this process checks the suites itself.
            pass
        else:
            # Otherwise a fresh process's GX import (7-8 s on session 47's host) would follow
            # a publication written beside the validation, and the run would wait for it.
            if kept > RECYCLE_AFTER_BYTES and not heavy_work_done:
                # Its memory goes back to the system with it; the new one imports GX while
                # publication runs (which takes longer than that at such sizes).
                _pool.shutdown()
                _pool = _new_pool()
            _rendering.append(_pool.submit(kpi_contract.render_data_docs, home, suites,
                                           run_name))
            return outcomes
    outcomes = kpi_contract.run_suites(home, suites, run_name)
    kpi_contract.render_data_docs(home, suites, run_name)
    return outcomes
