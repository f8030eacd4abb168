"""
What the reliability tests start and stop themselves: a PostgreSQL cluster of their own (so that a test may
restart it without touching the machine's PostgreSQL), gunicorn with the production settings in front of it,
and Celery workers a test may kill. Everything listens on loopback only.

`python -m tests.reliability.harness seed` (run by Cluster.prepare with the cluster's DATABASE_URL) creates the
users the load needs and prints their API tokens as JSON.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable
LOOPBACK = "127.0.0.1"
LOGS = ROOT / "artifacts" / "reliability"


def run(args: list, **kwargs) -> subprocess.CompletedProcess:
    """Run a command to its end; on failure, raise with what it printed."""
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=600, **kwargs)
    if done.returncode:
        raise RuntimeError(f"{' '.join(map(str, args))} exited {done.returncode}:\n{(done.stdout + done.stderr)[-3000:]}")
    return done


def free_port() -> int:
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def initdb_path() -> Path | None:
    """PostgreSQL's initdb: on PATH, or (Debian) under /usr/lib/postgresql/<version>/bin, the newest first."""
    found = shutil.which("initdb")
    if found:
        return Path(found)
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0)
    return candidates[-1] if candidates else None


def production_env(**extra) -> dict:
    """The environment of README's production shape, on loopback, without TLS (nothing here speaks HTTPS)."""
    env = os.environ.copy()
    for name in ("DEBUG", "DJANGO_SETTINGS_MODULE", "CELERY_TASK_ALWAYS_EAGER"):
        env.pop(name, None)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        SECRET_KEY="reliability-tests-only-" + uuid.uuid4().hex + uuid.uuid4().hex,
        ALLOWED_HOSTS=f"{LOOPBACK},localhost",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        CONN_MAX_AGE="60",  # persistent connections: CONN_HEALTH_CHECKS must notice a restarted database
        LOG_LEVEL="WARNING",
    )
    env.update({k: str(v) for k, v in extra.items()})
    return env


class Cluster:
    """A PostgreSQL cluster in a temporary directory on a free loopback port, run as the postgres OS user when
    the tests run as root (initdb refuses root)."""

    def __init__(self):
        self.initdb = initdb_path()
        self.bin = self.initdb.parent
        self.port = free_port()
        self.name = f"licensing_throwaway_{uuid.uuid4().hex[:8]}"

    @property
    def url(self) -> str:
        return f"postgres://postgres@{LOOPBACK}:{self.port}/{self.name}"

    def _as_owner(self, args: list) -> subprocess.CompletedProcess:
        if os.geteuid() == 0:
            args = ["runuser", "-u", "postgres", "--", *args]
        return run([str(a) for a in args])

    def _pg_ctl(self, *args) -> None:
        # A throwaway: what is tested is a restart of the server, not durability across a crash of the machine.
        options = f"-p {self.port} -k {self.run} -c listen_addresses={LOOPBACK} -c fsync=off -c full_page_writes=off"
        self._as_owner([self.bin / "pg_ctl", "-D", self.data, "-l", self.run / "postgresql.log", "-w", "-t", "60", "-o", options, *args])

    def __enter__(self):
        self.base = Path(tempfile.mkdtemp(prefix="licensing-pg-"))
        self.base.chmod(0o755)
        self.data, self.run = self.base / "data", self.base / "run"
        for folder in (self.data, self.run):
            folder.mkdir(mode=0o700)
            if os.geteuid() == 0:
                shutil.chown(folder, "postgres", "postgres")
        self._as_owner([self.initdb, "-D", self.data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"])
        self._pg_ctl("start")
        self.psql(f'CREATE DATABASE "{self.name}"', database="postgres")
        return self

    def psql(self, sql: str, database: str | None = None) -> str:
        import psycopg2

        connection = psycopg2.connect(host=LOOPBACK, port=self.port, user="postgres", dbname=database or self.name)
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql)
                return cursor.fetchall() if cursor.description else None
        finally:
            connection.close()

    def restart(self) -> None:
        """A fast restart: the server ends every session (rolling back what is in flight) and starts again."""
        self._pg_ctl("-m", "fast", "restart")

    def prepare(self) -> dict:
        """Migrate, load the reference data and the users; return {"exporters": [token, ...], "officers": [...]}."""
        env = production_env(DATABASE_URL=self.url)
        for command in (["migrate", "--noinput", "-v0"], ["load_reference", "-v0"]):
            run([PY, "manage.py", *command], env=env)
        out = run([PY, "-m", "tests.reliability.harness", "seed"], env=env)
        return json.loads(out.stdout.strip().splitlines()[-1])

    def __exit__(self, *exc):
        try:
            self._pg_ctl("-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.base, ignore_errors=True)


class Gunicorn:
    """gunicorn as README's production shape runs it (sync workers, DEBUG off), bound to loopback."""

    def __init__(self, cluster: Cluster, workers: int = 4, pages: bool = False, env: dict | None = None):
        # With `pages`, the static files are collected first, as the production shape does, so pages render.
        # `env`: settings of the test's own (e.g. REDIS_URL of a Redis it stops).
        self.cluster, self.workers, self.pages, self.env = cluster, workers, pages, env or {}
        self.port = free_port()
        self.queue = f"reliability-{uuid.uuid4().hex[:8]}"  # tasks it enqueues stay apart from every worker's
        self.media = Path(tempfile.mkdtemp(prefix="licensing-media-"))

    def __enter__(self):
        from bench.client import Client

        LOGS.mkdir(parents=True, exist_ok=True)
        self.log = open(LOGS / "gunicorn.log", "ab")
        env = production_env(
            DATABASE_URL=self.cluster.url, CELERY_TASK_DEFAULT_QUEUE=self.queue, MEDIA_ROOT=self.media, STATIC_ROOT=self.media / "static", **self.env
        )
        if self.pages:
            run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], env=env)
        self.proc = subprocess.Popen(
            [str(Path(PY).parent / "gunicorn"), "config.wsgi", "-c", "config/gunicorn.py", "-w", str(self.workers), "-b", f"{LOOPBACK}:{self.port}", "--timeout", "60"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        client = Client(port=self.port)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if client.request("GET", "/health/", timeout=10)[0] == 200:
                    return self
            except OSError:
                pass
            if self.proc.poll() is not None:
                break
            time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(f"gunicorn did not become healthy; see {LOGS / 'gunicorn.log'}")

    def worker_pids(self) -> set[int]:
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True).stdout
        return {int(p) for p in out.split()}

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.media, ignore_errors=True)
        if "REDIS_URL" not in self.env:
            forget_queue(self.queue)  # no worker reads it; the cluster is gone


def forget_queue(queue: str) -> None:
    """Drop a test's queue from Redis: what is left in it, and kombu's bindings of its exchange (named after it)."""
    url = os.environ.get("REDIS_URL")
    if url:
        import redis

        redis.Redis.from_url(url).delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")


# --- Celery workers a test may kill ----------------------------------------------------------------------
def worker_start(
    *, queue: str, database_url: str, name: str, slow: float = 0.0, visibility_timeout: int = 5, settings: dict | None = None, beat_schedule: Path | None = None
) -> subprocess.Popen:
    """A Celery worker (solo pool: the task runs in this very process) on `queue`. With `slow`, each table of a report
    run and each application of a re-screen takes that many seconds longer (tests.reliability.slow_worker), so a test
    can kill it mid-task. With `beat_schedule` (a file for beat's state) it runs the beat schedule too; `settings` adds
    settings (e.g. REDIS_URL)."""
    LOGS.mkdir(parents=True, exist_ok=True)
    env = os.environ.copy()
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings_test",
        DATABASE_URL=database_url,
        CELERY_TASK_DEFAULT_QUEUE=queue,
        CELERY_VISIBILITY_TIMEOUT=str(visibility_timeout),
        RELIABILITY_SLOW_SECONDS=str(slow),
        **{k: str(v) for k, v in (settings or {}).items()},
    )
    module = ["-m", "tests.reliability.slow_worker"] if slow else ["-m", "celery", "-A", "config"]
    beat = ["-B", "-s", str(beat_schedule)] if beat_schedule else []
    return subprocess.Popen(
        [PY, *module, "worker", "--pool=solo", "-Q", queue, "-n", f"{name}@%h", "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat", *beat],
        cwd=ROOT, env=env, stdout=open(LOGS / f"worker-{name}.log", "ab"), stderr=subprocess.STDOUT,
    )


# --- A Redis of the test's own, which it may stop (never the machine's: other tests and CI use that one) ---------
class RedisServer:
    """redis-server on a free loopback port, without persistence: stopped, it forgets everything, as a Redis that is
    replaced does. `stop()` and `start()` may be called in turn."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://{LOOPBACK}:{self.port}/0"
        self.proc = None

    def start(self) -> None:
        LOGS.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", LOOPBACK, "--save", "", "--appendonly", "no", "--daemonize", "no"],
            stdout=open(LOGS / "redis.log", "ab"), stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection((LOOPBACK, self.port), timeout=1) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"redis-server did not start on port {self.port}; see {LOGS / 'redis.log'}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=20)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()


# --- Users of the throwaway database ---------------------------------------------------------------------
def seed(exporters: int = 4, officers: int = 2) -> dict:
    import django

    django.setup()
    from rest_framework.authtoken.models import Token

    from tests.factories import UserFactory

    tokens = {"exporters": [], "officers": []}
    for n in range(exporters):
        tokens["exporters"].append(Token.objects.create(user=UserFactory(username=f"load_exporter{n}")).key)
    for n in range(officers):
        tokens["officers"].append(Token.objects.create(user=UserFactory(username=f"load_officer{n}", role="officer", organisation=None)).key)
    return tokens


if __name__ == "__main__" and sys.argv[1:] == ["seed"]:
    sys.path.insert(0, str(ROOT))
    print(json.dumps(seed()))
