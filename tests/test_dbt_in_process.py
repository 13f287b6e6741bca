"""dbt run on a thread of the refresh's process, read by dagster-dbt as a dbt subprocess."""

from __future__ import annotations

import gc
import json
import signal
import time

import dbt.version
import duckdb
import pytest
from dagster_dbt.errors import DagsterDbtCliRuntimeError
from dbt.contracts.graph.manifest import Manifest
from dbt_common.events.base_types import EventLevel
from dbt_common.events.event_manager_client import get_event_manager
from dbt_common.events.types import Note, SystemExecutingCmd

from orchestration.assets.dbt import DBT_PROJECT, dbt_vars
from orchestration.dbt_in_process import InProcessDbt, _EventsAboveDebug
from orchestration.home import DBT_PROJECT_DIR, Home
from orchestration.parse_state import prepare_parse_state
from orchestration.warehouse import held_open


def _options(home: Home) -> list[str]:
    variables = dbt_vars(restate=False)
    prepare_parse_state(home, variables)
    return ["--vars", json.dumps(variables), "--project-dir", str(DBT_PROJECT_DIR),
            "--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(home.dbt_target),
            "--log-path", str(home.root / "logs"), "--log-level", "none"]


def test_dbt_prints_its_events_as_json_log_lines_and_exits_as_its_process_would(home):
    dbt_seeds = InProcessDbt(["seed", "--select", "lead_status_map", "--threads", "1",
                              *_options(home)])
    lines = [json.loads(line) for line in dbt_seeds.stdout]
    assert dbt_seeds.wait() == 0
    assert lines[0]["info"]["msg"] == f"Running with dbt={dbt.version.__version__}"
    assert {line["info"]["level"] for line in lines} == {"info"}  # no debug events
    # The results dagster-dbt turns into materializations and checks.
    finished = [line["data"]["node_info"] for line in lines
                if line["info"]["name"] == "LogSeedResult"]
    assert [(node["unique_id"], node["node_status"]) for node in finished] == [
        ("seed.alignment.lead_status_map", "success")]
    # Its warehouse connection closed with it: the next step opens the file to write.
    with duckdb.connect(str(home.warehouse)) as con:
        assert con.execute("select count(*) > 0 from reference.lead_status_map").fetchone()[0]


def test_dbt_makes_no_message_of_a_debug_event_and_gets_its_event_manager_back(home):
    # dbt fires ~4,500 debug events in a 20k one-more-day build (a statement, a connection, a
    # cache change each), whose messages cost 1.6 s of its one interpreter lock; none is logged
    events, made = _EventsAboveDebug(), []
    events.add_callback(lambda msg: made.append((msg.info.name, msg.info.level)))
    events.fire_event(SystemExecutingCmd(cmd=["git", "status"]))
    events.fire_event(Note(msg="a note at debug"), level=EventLevel.DEBUG)
    events.fire_event(Note(msg="a note"))
    assert made == [("Note", "info")]

    dbt_events = get_event_manager()
    dbt_seeds = InProcessDbt(["seed", "--select", "lead_status_map", "--threads", "1",
                              *_options(home)])
    assert len(list(dbt_seeds.stdout)) > 0 and dbt_seeds.wait() == 0
    # what other dbt commands of the process fire goes to dbt's own manager again
    assert get_event_manager() is dbt_events


def test_dbt_builds_in_the_database_this_process_holds_open(home):
    with held_open(home):
        dbt_seeds = InProcessDbt(["seed", "--select", "lead_status_map", "--threads", "1",
                                  *_options(home)])
        errors = [json.loads(line)["info"]["msg"] for line in dbt_seeds.stdout
                  if json.loads(line)["info"]["level"] == "error"]
        # dbt's profile opens it as this process does: any other configuration is refused.
        assert (dbt_seeds.wait(), errors) == (0, [])
        with pytest.raises(duckdb.ConnectionException, match="different configuration"):
            duckdb.connect(str(home.warehouse), read_only=True)
    # Closed with the last connection: a reader (the KPI contract's process) may open it.
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        assert con.execute("select count(*) from reference.lead_status_map").fetchone()[0] == 15


def test_dbt_leaves_no_manifest_holding_a_semaphore_when_it_ends(home):
    """A dbt manifest holds a multiprocessing lock, a named semaphore that multiprocessing's
    resource tracker frees and warns of ("leaked semaphore objects") when the process ends
    with it alive. The partial-parse manifest dbt reads and drops sits in reference cycles,
    which the refresh's os._exit would leave uncollected."""
    gc.collect()
    gc.disable()  # only dbt's own collection may free it
    try:
        dbt_seeds = InProcessDbt(["seed", "--select", "lead_status_map", "--threads", "1",
                                  *_options(home)])
        assert all(line for line in dbt_seeds.stdout) and dbt_seeds.wait() == 0
        manifests = sum(isinstance(thing, Manifest) for thing in gc.get_objects())
    finally:
        gc.enable()
    assert manifests == 0


def test_an_error_before_dbt_logs_is_a_line_and_dagster_dbt_raises_it(home):
    from dagster_dbt.compat import DBT_PYTHON_VERSION
    from dagster_dbt.core.dbt_cli_invocation import DbtCliInvocation
    from dagster_dbt.dagster_dbt_translator import DagsterDbtTranslator

    dbt_build = InProcessDbt(["build", "--no-such-flag"])
    invocation = DbtCliInvocation(
        process=dbt_build, manifest={}, dagster_dbt_translator=DagsterDbtTranslator(),
        project_dir=DBT_PROJECT_DIR, target_path=home.dbt_target, raise_on_error=True,
        cli_version=DBT_PYTHON_VERSION, project=DBT_PROJECT)
    with pytest.raises(DagsterDbtCliRuntimeError, match="No such option '--no-such-flag'"):
        invocation.wait()
    assert dbt_build.returncode == 2


def test_a_signal_stops_dbt_as_it_stops_its_process(home):
    # A query that would count for minutes; dbt's thread waits for it meanwhile.
    dbt_show = InProcessDbt(["show", "--inline", "select count(*) from range(100000000000) "
                             "as numbers(i) where i % 7 = 3", *_options(home)])
    messages = []
    for line in dbt_show.stdout:
        event = json.loads(line)["info"]
        messages.append(event["msg"])
        if event["name"] == "ConcurrencyLine":  # about to run the query
            time.sleep(1)
            dbt_show.send_signal(signal.SIGINT)
            signalled = time.monotonic()
    assert dbt_show.wait(timeout=60) == 2  # dbt's exit code for an interrupted command
    assert time.monotonic() - signalled < 10
    assert any("Exited because of keyboard interrupt" in message for message in messages)
    assert any("INTERRUPT Error" in message for message in messages)  # DuckDB's, cancelled
