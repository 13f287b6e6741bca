"""A dbt command run on a thread of this process, with the face of the dbt subprocess that
dagster-dbt streams.

dagster-dbt runs every dbt command as a subprocess, which imports dbt-core again: ~2.7 s of
every refresh that builds on the 2-core AMD host of session 34 (docs/performance.md), though
this process has imported most of dbt already (dagster-dbt does). Here dbt runs through
dbtRunner, dbt's programmatic entry point, and its events become the JSON log lines dbt would
print with --log-format json: dagster-dbt's DbtCliInvocation reads them as it reads a
subprocess's stdout and yields the same Dagster results, checks and errors.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import json
import queue
import subprocess
import threading
from collections.abc import Iterator
from datetime import UTC, datetime

from dbt.adapters.factory import FACTORY, reset_adapters
from dbt.cli.main import dbtRunner
from dbt_common.events.base_types import BaseEvent, EventLevel, EventMsg
from dbt_common.events.event_manager import EventManager
from dbt_common.events.event_manager_client import ctx_set_event_manager, get_event_manager
from dbt_common.events.functions import env_secrets, msg_to_dict, scrub_secrets


class _EventsAboveDebug(EventManager):
    """dbt's event manager, but a debug event is dropped before dbt makes its message: dbt
    fires one for every statement, connection and cache change, and InProcessDbt logs none
    (a refresh's dbt writes no dbt.log, its stdout is off, dagster-dbt reads info and above)."""

    def fire_event(self, e: BaseEvent, level: EventLevel | None = None, node: object = None,
                   force_warn_or_error_handling: bool = False) -> None:
        if (level or e.level_tag()) == EventLevel.DEBUG:
            return
        super().fire_event(e, level=level, node=node,
                           force_warn_or_error_handling=force_warn_or_error_handling)


class _LogLines:
    """The stdout pipe of InProcessDbt: dbt's log lines until dbt has finished."""

    closed = False

    def __init__(self, lines: queue.SimpleQueue[bytes | None]) -> None:
        self._lines = lines

    def __iter__(self) -> Iterator[bytes]:
        while (line := self._lines.get()) is not None:
            yield line

    def __enter__(self) -> _LogLines:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.closed = True


class InProcessDbt:
    """`dbt <args>` on a thread of this process, with the part of subprocess.Popen's interface
    that DbtCliInvocation uses: args, stdout, wait(), returncode, send_signal()."""

    def __init__(self, args: list[str]) -> None:
        self.args = ["dbt", *args]
        self.returncode: int | None = None
        self._lines: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self.stdout = _LogLines(self._lines)
        self._errors_logged = False
        # A daemon: when the run's process ends (a terminated run), dbt ends with it, as its
        # subprocess would be killed with it.
        self._thread = threading.Thread(target=self._invoke, args=(list(args),), name="dbt",
                                        daemon=True)
        self._thread.start()

    def _invoke(self, args: list[str]) -> None:
        error = self._run(args)
        try:
            if error is not None and not self._errors_logged:
                # Failed before its logger was set up (an unknown flag, an early interrupt).
                self._put({"info": {"level": "error", "msg": str(error) or repr(error),
                                    "name": "MainEncounteredError",
                                    "ts": datetime.now(UTC).isoformat()},
                           "data": {}})
        finally:
            # dbt keeps its adapter, and so the manifest, for a next command; their locks are
            # semaphores, which a process of its own would have freed on exit. Collected now:
            # the partial-parse manifest dbt reads and drops, and an exception's traceback,
            # hold them in reference cycles, which the refresh's os._exit would leave for
            # multiprocessing's resource tracker to report as leaked (~0.1 s at 20k leads).
            reset_adapters()
            del error
            gc.collect()
            self._lines.put(None)

    def _run(self, args: list[str]) -> BaseException | None:
        """dbt's command, and the exit code dbt's process would have had: 1 when a node
        failed, 2 when dbt itself did."""
        dbt_events = get_event_manager()
        ctx_set_event_manager(_EventsAboveDebug())
        try:
            result = dbtRunner(callbacks=[self._log]).invoke(args)
        except BaseException as interrupt:  # send_signal() before dbt's own handlers ran
            self.returncode = 2
            return interrupt
        finally:
            ctx_set_event_manager(dbt_events)
        self.returncode = 0 if result.success else 2 if result.exception else 1
        return result.exception

    def _log(self, msg: EventMsg) -> None:
        # What dbt's JSON logger prints at its default level (info), its secrets scrubbed.
        self._errors_logged |= msg.info.level == "error"
        self._put(msg_to_dict(msg))

    def _put(self, event: dict) -> None:
        line = scrub_secrets(json.dumps(event, sort_keys=True, default=str), env_secrets())
        self._lines.put(line.encode())

    def wait(self, timeout: float | None = None) -> int | None:
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise subprocess.TimeoutExpired(self.args, timeout or 0)
        return self.returncode

    def send_signal(self, _signal: int) -> None:
        """Stop dbt as SIGINT stops its process: KeyboardInterrupt on its thread, which dbt
        answers by cancelling its queries and skipping the nodes left. A waiting thread
        takes it only when a node ends, so until dbt has stopped the queries it runs are
        cancelled here (dbt's own answer), which ends their nodes."""
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(self._thread.ident),
                                                   ctypes.py_object(KeyboardInterrupt))
        threading.Thread(target=self._cancel_queries_until_stopped, name="dbt-interrupt",
                         daemon=True).start()

    def _cancel_queries_until_stopped(self) -> None:
        while self._thread.is_alive():
            with FACTORY.lock:
                adapters = [adapter for adapter in FACTORY.adapters.values()
                            if adapter.is_cancelable()]
            for adapter in adapters:
                with contextlib.suppress(Exception):  # a connection closing meanwhile
                    adapter.cancel_open_connections()
            self._thread.join(0.05)
