"""Fixtures of the engine tests (`make test-engines`): one demo company built on DuckDB and
exported as Parquet, a private PostgreSQL server, a local Spark session.

Run only with `-m engines` (pyproject's addopts leave them out of `make test`); they need
`pip install -e '.[engines]'`, Java 17 and PostgreSQL's server binaries (Debian `postgresql`).
Settings: ALIGNMENT_ENGINE_LEADS (leads of the demo company, default 2000);
ALIGNMENT_ENGINE_HOME: compare against this home's refreshed warehouse instead;
ALIGNMENT_PG_PORT (with ALIGNMENT_PG_HOST, _USER, _PASSWORD, _DATABASE): use that running
server instead of starting one; ALIGNMENT_PG_BINDIR: where initdb and pg_ctl are.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from orchestration.engines import export_parquet

BIN = Path(sys.executable).parent


@pytest.fixture(scope="session")
def engine_data(tmp_path_factory):
    """The demo company, refreshed on DuckDB, its raw and contract schemas as Parquet."""
    if os.environ.get("ALIGNMENT_ENGINE_HOME"):
        home = Path(os.environ["ALIGNMENT_ENGINE_HOME"])
        tables = export_parquet(home / "warehouse.duckdb", home / "parquet")
        return {"home": home, "warehouse": home / "warehouse.duckdb", "tables": tables}
    home = tmp_path_factory.mktemp("engines-home")
    leads = os.environ.get("ALIGNMENT_ENGINE_LEADS", "2000")
    env = {**os.environ, "ALIGNMENT_HOME": str(home)}
    for command in (["generate", "--leads", leads, "--seed", "42"], ["refresh"]):
        done = subprocess.run([str(BIN / "alignment"), *command, "--home", str(home)], env=env,
                              capture_output=True, text=True)
        if done.returncode:
            pytest.fail(f"alignment {command[0]} failed on DuckDB:\n{done.stdout[-3000:]}"
                        f"\n{done.stderr[-3000:]}")
    tables = export_parquet(home / "warehouse.duckdb", home / "parquet")
    return {"home": home, "warehouse": home / "warehouse.duckdb", "tables": tables}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _postgres_bindir() -> Path:
    if os.environ.get("ALIGNMENT_PG_BINDIR"):
        return Path(os.environ["ALIGNMENT_PG_BINDIR"])
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    if shutil.which("initdb"):
        return Path(shutil.which("initdb")).parent
    pytest.fail("PostgreSQL server binaries not found: apt-get install postgresql "
                "(make test-engines does it) or set ALIGNMENT_PG_BINDIR")


@pytest.fixture(scope="session")
def postgres_server():
    """Connection settings of a PostgreSQL server: ALIGNMENT_PG_* when ALIGNMENT_PG_PORT is
    set, else a private cluster on 127.0.0.1 and a free port, removed afterwards."""
    import psycopg2

    if os.environ.get("ALIGNMENT_PG_PORT"):
        yield {key: os.environ[key] for key in os.environ if key.startswith("ALIGNMENT_PG_")}
        return
    bindir = _postgres_bindir()
    root = Path(tempfile.mkdtemp(prefix="alignment-pg-"))
    data = root / "data"
    port = _free_port()
    # PostgreSQL refuses to run as root: as root, run it as the postgres user.
    as_owner: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(root, user="postgres")
        as_owner = ["runuser", "-u", "postgres", "--"]
    subprocess.run([*as_owner, str(bindir / "initdb"), "-D", str(data), "-U", "alignment",
                    "-A", "trust", "--encoding=UTF8", "--locale=C.UTF-8"],
                   check=True, stdout=subprocess.DEVNULL)
    options = (f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={root}"
               " -c fsync=off -c synchronous_commit=off -c full_page_writes=off")
    subprocess.run([*as_owner, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(root / "log"),
                    "-o", options, "-w", "start"], check=True, stdout=subprocess.DEVNULL)
    try:
        connection = psycopg2.connect(host="127.0.0.1", port=port, user="alignment",
                                      dbname="postgres")
        connection.autocommit = True
        connection.cursor().execute("create database alignment")
        connection.close()
        yield {"ALIGNMENT_PG_HOST": "127.0.0.1", "ALIGNMENT_PG_PORT": str(port),
               "ALIGNMENT_PG_USER": "alignment", "ALIGNMENT_PG_PASSWORD": "",
               "ALIGNMENT_PG_DATABASE": "alignment"}
    finally:
        subprocess.run([*as_owner, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast",
                        "-w", "stop"], stdout=subprocess.DEVNULL)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def spark_session(tmp_path_factory):
    """A local Spark session with a Hive metastore in a temporary folder. dbt-spark's
    `session` method (profiles.yml target spark) runs dbt in this process and gets this
    session back from SparkSession.builder.getOrCreate()."""
    pyspark_sql = pytest.importorskip("pyspark.sql")
    spark_dir = tmp_path_factory.mktemp("spark")
    previous = {key: os.environ.get(key) for key in ("ALIGNMENT_SPARK_DIR", "TZ")}
    os.environ["ALIGNMENT_SPARK_DIR"] = str(spark_dir)
    # collect() turns timestamps into Python datetimes in the process's time zone
    os.environ["TZ"] = "UTC"
    time.tzset()
    spark = (
        pyspark_sql.SparkSession.builder.master("local[2]")
        .appName("alignment-engines")
        .enableHiveSupport()
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.warehouse.dir", str(spark_dir / "warehouse"))
        .config("spark.hadoop.javax.jdo.option.ConnectionURL",
                f"jdbc:derby:;databaseName={spark_dir / 'metastore_db'};create=true")
        .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={spark_dir}")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    try:
        yield spark
    finally:
        spark.stop()
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        time.tzset()
