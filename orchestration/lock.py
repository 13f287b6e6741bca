"""One writer at a time: a refresh (or a contract check) holds $ALIGNMENT_HOME/refresh.lock.

The lock is an advisory `flock` on the file, which the kernel releases when the holder exits,
however it exits: a run killed with SIGKILL cannot leave the warehouse locked. The file also
records who holds it; when a new run finds that record but no lock, the previous holder died,
and the run says so before it clears the record. A run killed during `dbt build` leaves its
dbt process behind, still writing the warehouse: the next run stops it (its work is redone).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from orchestration.home import Home


class WarehouseBusy(RuntimeError):
    """Another refresh or check holds the warehouse."""


def _holder(descriptor: int) -> dict:
    os.lseek(descriptor, 0, os.SEEK_SET)
    text = os.read(descriptor, 4096).decode("utf-8", "replace").strip()
    try:
        return json.loads(text) if text else {}
    except json.JSONDecodeError:
        return {"pid": "?", "started_at": "?", "purpose": text[:80]}


def _describe(holder: dict) -> str:
    return (f"{holder.get('purpose', 'a run')} (pid {holder.get('pid', '?')}, "
            f"started {holder.get('started_at', '?')} UTC)")


def _leftover_dbt(home: Home) -> list[int]:
    """dbt processes of this home (Linux /proc): with the lock held by us, any such process
    belongs to a run that died."""
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            command = (proc / "cmdline").read_bytes().split(b"\0")
            if not any(Path(part.decode(errors="replace")).name == "dbt" for part in command):
                continue
            environment = (proc / "environ").read_bytes().split(b"\0")
        except OSError:  # gone, or not ours to read
            continue
        if f"ALIGNMENT_HOME={home.root}".encode() in environment and int(proc.name) != os.getpid():
            found.append(int(proc.name))
    return found


def _stop(pids: list[int], wait_seconds: float = 10.0) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in pids):
        time.sleep(0.05)


@contextmanager
def writer_lock(home: Home, purpose: str) -> Iterator[str | None]:
    """Hold the warehouse for `purpose`; yield a note when a dead run's lock was cleared.

    Raises WarehouseBusy at once, naming the holder, when another process holds it.
    """
    home.root.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(home.lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise WarehouseBusy(
                f"the warehouse is busy: {_describe(_holder(descriptor))} holds {home.lock}; "
                "wait for it to finish (or stop it) and try again") from None
        stale = _holder(descriptor)
        note = None
        if stale:
            note = f"cleared a stale lock: {_describe(stale)} did not finish"
            leftovers = _leftover_dbt(home)
            if leftovers:
                _stop(leftovers)
                note += f"; stopped its leftover dbt process {', '.join(map(str, leftovers))}"
        record = {"pid": os.getpid(), "purpose": purpose,
                  "started_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")}
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, json.dumps(record).encode(), 0)
        os.fsync(descriptor)
        try:
            yield note
        finally:
            # A clean exit leaves no record: the next run has nothing to clear.
            os.ftruncate(descriptor, 0)
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)
