"""Report reads on a streaming replica (kefu.core.db_routing, docs/SCALING.md).

Two kinds of tests. The router's decisions are checked on any database by asking it directly. Then,
on PostgreSQL only, a real pair is built: a throwaway primary (initdb on a spare port) and a streaming
replica of it (pg_basebackup -R), and a child process whose DATABASE_URL and KEFU_REPLICA_URL point at
them runs migrate and the checks through the ORM. A child process, because Django's connections are
configured once per process and this process's "default" is the test database. A throwaway primary,
because the system cluster is not configured for replication connections and a test must not change
it (nor copy its databases).
"""

import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection, transaction

from kefu.accounts.models import Center, Department
from kefu.core.db_routing import ReplicaRouter, in_reporting_reads, reporting_reads

ROUTER = "kefu.core.db_routing.ReplicaRouter"


@pytest.fixture
def replica_configured(settings, monkeypatch):
    # The alias names the same database as default: these tests only ask where a query would go.
    monkeypatch.setitem(settings.DATABASES, "replica", dict(settings.DATABASES["default"]))
    settings.DATABASE_ROUTERS = [ROUTER]


# --- the router's decisions (SQLite and PostgreSQL) ---


def test_reads_go_to_default_outside_reporting_reads(replica_configured):
    assert ReplicaRouter().db_for_read(Center) == "default"
    assert Center.objects.all().db == "default"


def test_reads_go_to_the_replica_inside_reporting_reads(replica_configured):
    with reporting_reads():
        assert ReplicaRouter().db_for_read(Center) == "replica"
        assert Center.objects.all().db == "replica"


def test_writes_go_to_default_even_inside_reporting_reads(replica_configured):
    with reporting_reads():
        assert ReplicaRouter().db_for_write(Center) == "default"
        # An object read from the replica and saved again is written on the primary.
        center = Center(code="ZX", name="客户服务中心")
        center._state.db = "replica"
        assert ReplicaRouter().db_for_write(Center, instance=center) == "default"


def test_without_a_replica_reporting_reads_use_default(settings, monkeypatch):
    monkeypatch.delitem(settings.DATABASES, "replica", raising=False)
    with reporting_reads():
        assert ReplicaRouter().db_for_read(Center) == "default"


def test_related_objects_are_read_from_the_database_of_their_parent(replica_configured):
    center = Center(code="ZX", name="客户服务中心")
    center._state.db = "default"
    with reporting_reads():
        assert ReplicaRouter().db_for_read(Department, instance=center) == "default"


def test_migrations_run_on_default_only_and_relations_span_both():
    router = ReplicaRouter()
    assert router.allow_migrate("default", "accounts") is True
    assert router.allow_migrate("replica", "accounts") is False
    on_default, on_replica = Center(), Center()
    on_default._state.db, on_replica._state.db = "default", "replica"
    assert router.allow_relation(on_default, on_replica) is True


def test_reporting_reads_is_a_decorator_with_or_without_parentheses():
    @reporting_reads
    def bare():
        return in_reporting_reads()

    @reporting_reads()
    def called():
        return in_reporting_reads()

    assert bare() is True
    assert called() is True
    assert bare() is True  # a decorated function enters afresh on every call
    assert in_reporting_reads() is False


def test_leaving_reporting_reads_restores_the_outer_state_even_on_error():
    with reporting_reads():
        with reporting_reads():
            pass
        assert in_reporting_reads() is True
    assert in_reporting_reads() is False
    with pytest.raises(RuntimeError), reporting_reads():
        raise RuntimeError("报表出错")
    assert in_reporting_reads() is False


def test_each_thread_has_its_own_reporting_flag():
    # given one request inside reporting_reads and another, in a second thread, outside it
    inside_started, outside_checked = threading.Event(), threading.Event()
    seen = {}

    def outside():
        inside_started.wait(5)
        seen["outside"] = in_reporting_reads()
        outside_checked.set()

    thread = threading.Thread(target=outside)
    thread.start()
    with reporting_reads():
        inside_started.set()
        outside_checked.wait(5)
        seen["inside"] = in_reporting_reads()
    thread.join(5)
    # then neither sees the other's flag
    assert seen == {"outside": False, "inside": True}


def test_reads_stay_on_default_inside_a_transaction(replica_configured, db):
    # pytest-django wraps this test in a transaction on default, as transaction.atomic() would
    with transaction.atomic(), reporting_reads():
        Center.objects.create(code="ZX", name="客户服务中心")
        assert ReplicaRouter().db_for_read(Center) == "default"
        assert Center.objects.filter(code="ZX").exists()


# --- a real streaming replica (PostgreSQL only) ---

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL only: the replica is built with initdb, pg_basebackup and pg_ctl",
)


def _pg_bindir() -> Path | None:
    """The directory of initdb, pg_ctl and pg_basebackup: KEFU_PG_BINDIR, pg_config, or Debian's."""
    candidates = [Path(os.environ["KEFU_PG_BINDIR"])] if os.environ.get("KEFU_PG_BINDIR") else []
    try:
        candidates.append(Path(subprocess.check_output(["pg_config", "--bindir"], text=True).strip()))
    except (OSError, subprocess.CalledProcessError):
        pass
    debian = Path("/usr/lib/postgresql").glob("*/bin")
    candidates += sorted(
        debian, key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0, reverse=True
    )
    for candidate in candidates:
        if all((candidate / tool).exists() for tool in ("initdb", "pg_ctl", "pg_basebackup")):
            return candidate
    return None


def _free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:  # all bound at once, so the ports differ
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


class ThrowawayPair:
    """A primary and its streaming replica in a temporary directory, each on a spare port."""

    def __init__(self, bindir: Path):
        self.bindir = bindir
        # PostgreSQL refuses to run as root; as root, run its tools as the postgres account.
        self.as_server = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.workdir = Path(tempfile.mkdtemp(prefix="kefu-replica-test-"))
        if self.as_server:
            shutil.chown(self.workdir, user="postgres")
        self.primary_port, self.replica_port = _free_ports(2)
        self.started: list[Path] = []

    def run(self, tool: str, *args: str, check: bool = True) -> None:
        command = [*self.as_server, str(self.bindir / tool), *args]
        result = subprocess.run(command, capture_output=True, text=True, timeout=60)
        if check and result.returncode != 0:
            logs = "".join(log.read_text(errors="replace") for log in self.workdir.glob("*.log"))
            raise RuntimeError(f"{tool} failed: {result.stderr}\n{logs}")

    def start(self, name: str, port: int) -> None:
        data, log = self.workdir / name, self.workdir / f"{name}.log"
        options = (
            f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.workdir} "
            # Durability is pointless for a directory deleted after the test, and slow.
            "-c fsync=off -c full_page_writes=off -c max_connections=20 -c shared_buffers=16MB"
        )
        self.run("pg_ctl", "-D", str(data), "-l", str(log), "-w", "-t", "30", "-o", options, "start")
        self.started.append(data)

    def up(self) -> None:
        primary, replica = self.workdir / "primary", self.workdir / "replica"
        locale = ["-E", "UTF8", "--locale=C.UTF-8"]
        self.run("initdb", "-D", str(primary), "-U", "postgres", "-A", "trust", *locale, "--no-sync")
        self.start("primary", self.primary_port)
        with psycopg.connect(self.url(self.primary_port, "postgres"), autocommit=True) as conn:
            conn.execute("CREATE DATABASE kefu")
        # initdb -A trust writes a pg_hba.conf that already lets 127.0.0.1 connect for replication.
        source = ["-h", "127.0.0.1", "-p", str(self.primary_port), "-U", "postgres"]
        self.run("pg_basebackup", *source, "-D", str(replica), "-R", "-X", "stream", "-c", "fast")
        self.start("replica", self.replica_port)

    def down(self) -> None:
        for data in reversed(self.started):
            self.run("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(self.workdir, ignore_errors=True)

    @staticmethod
    def url(port: int, name: str = "kefu") -> str:
        return f"postgres://postgres@127.0.0.1:{port}/{name}"


@pytest.fixture(scope="module")
def probe_results():
    """Build the pair, run probe() in a child process connected to it, return what the child saw."""
    bindir = _pg_bindir()
    if bindir is None:
        pytest.skip("initdb, pg_ctl and pg_basebackup not found (set KEFU_PG_BINDIR)")
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root, and there is no postgres account to run the servers as")
    pair = ThrowawayPair(bindir)
    try:
        pair.up()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "kefu.settings",
            "DATABASE_URL": pair.url(pair.primary_port),
            "KEFU_REPLICA_URL": pair.url(pair.replica_port),
            "KEFU_VAR_DIR": str(pair.workdir / "var"),
        }
        code = (
            "import django; django.setup(); from kefu.core.tests.test_replica_routing import probe; probe()"
        )
        command = [sys.executable, "-c", code]
        child = subprocess.run(
            command, cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=180
        )
        lines = [line for line in child.stdout.splitlines() if line.startswith("PROBE ")]
        assert child.returncode == 0 and lines, f"the probe failed:\n{child.stdout}\n{child.stderr}"
        yield json.loads(lines[-1].removeprefix("PROBE "))
    finally:
        pair.down()


def probe() -> None:
    """Runs in the child process: DATABASE_URL is the throwaway primary, KEFU_REPLICA_URL its replica."""
    from django.core.management import call_command
    from django.db import connections, router

    def server(alias: str) -> dict:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT pg_is_in_recovery(), inet_server_port()")
            in_recovery, port = cursor.fetchone()
        return {"in_recovery": in_recovery, "port": port}

    def replica_sql(sql: str, params=()):
        with connections["replica"].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]

    def wait_for(sql: str, params=(), timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while not replica_sql(sql, params):
            if time.monotonic() > deadline:
                raise TimeoutError(sql)
            time.sleep(0.05)

    def wait_for_replay() -> None:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            (lsn,) = cursor.fetchone()
        wait_for("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])

    seen: dict = {"routers": settings.DATABASE_ROUTERS}
    call_command("migrate", verbosity=0)  # on default only: the replica receives the schema by WAL
    seen["outside"] = server(router.db_for_read(Center))
    with reporting_reads():
        seen["inside"] = server(router.db_for_read(Center))

    Center.objects.create(code="FB1", name="副本测试中心")
    wait_for_replay()
    seen["written_row_on_replica"] = Center.objects.using("replica").filter(code="FB1").exists()

    # Hold the replica back, so that a row written now exists on the primary only: whether the ORM
    # finds it then tells which server answered the query.
    replica_sql("SELECT pg_wal_replay_pause()::text")
    wait_for("SELECT pg_get_wal_replay_pause_state() = 'paused'")
    Center.objects.create(code="ZH1", name="滞后测试中心")
    seen["lagging_row_outside"] = Center.objects.filter(code="ZH1").exists()
    with reporting_reads():
        seen["lagging_row_inside"] = Center.objects.filter(code="ZH1").exists()
        # A write inside the block goes to the primary; on the replica it would fail (read-only).
        Center.objects.create(code="XR1", name="块内写入中心")
        seen["write_alias_inside"] = router.db_for_write(Center)
        with transaction.atomic():
            seen["in_transaction"] = server(router.db_for_read(Center))
            seen["lagging_row_in_transaction"] = Center.objects.filter(code="ZH1").exists()
    seen["write_inside_on_primary"] = Center.objects.using("default").filter(code="XR1").exists()
    replica_sql("SELECT pg_wal_replay_resume()::text")
    wait_for_replay()
    with reporting_reads():
        seen["lagging_row_inside_after_replay"] = Center.objects.filter(code="ZH1").exists()
    for alias in ("default", "replica"):
        connections[alias].close()
    print("PROBE " + json.dumps(seen))


@needs_postgresql
def test_kefu_replica_url_installs_the_router(probe_results):
    assert probe_results["routers"] == [ROUTER]


@needs_postgresql
def test_reads_outside_reporting_reads_are_served_by_the_primary(probe_results):
    assert probe_results["outside"]["in_recovery"] is False
    assert probe_results["lagging_row_outside"] is True


@needs_postgresql
def test_reads_inside_reporting_reads_are_served_by_the_replica(probe_results):
    assert probe_results["inside"]["in_recovery"] is True
    assert probe_results["inside"]["port"] != probe_results["outside"]["port"]
    # the row written while replay was paused is not on the replica yet, so the ORM asked the replica
    assert probe_results["lagging_row_inside"] is False


@needs_postgresql
def test_rows_written_on_the_primary_reach_the_replica(probe_results):
    assert probe_results["written_row_on_replica"] is True
    assert probe_results["lagging_row_inside_after_replay"] is True


@needs_postgresql
def test_writes_inside_reporting_reads_go_to_the_primary(probe_results):
    assert probe_results["write_alias_inside"] == "default"
    assert probe_results["write_inside_on_primary"] is True


@needs_postgresql
def test_reads_inside_a_transaction_stay_on_the_primary(probe_results):
    assert probe_results["in_transaction"]["in_recovery"] is False
    assert probe_results["lagging_row_in_transaction"] is True
