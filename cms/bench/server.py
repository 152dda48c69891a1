"""The site as production runs it: gunicorn, production settings, PostgreSQL, Redis.

`environment` builds the variables the server and the in-process probe share;
`Server` starts gunicorn on a free port of 127.0.0.1, waits for /healthz,
reads its workers' memory and stops it.
"""

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils.crypto import get_random_string

from . import Refused

SETTINGS_MODULE = "cms.settings.production"
# Seconds the anonymous page cache keeps a page when the benchmark turns it on.
PAGE_CACHE_SECONDS = 300
# The API's per-address limit, in a one-second window: wrk's single address is
# never refused, and the limiter still counts every request as it does live.
API_RATE = "100000/s"
READY_TIMEOUT = 60


@dataclass(frozen=True)
class Target:
    """Where the benchmark's site reads its data and cache."""

    database_url: str
    redis_url: str
    secret_key: str

    @classmethod
    def new(cls, database_url: str, redis_url: str) -> "Target":
        return cls(database_url, redis_url, get_random_string(64))


def environment(target: Target, *, page_cache: bool) -> dict[str, str]:
    """Environment variables for gunicorn and the probe, production settings."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE=SETTINGS_MODULE,
        SECRET_KEY=target.secret_key,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        # Plain HTTP on 127.0.0.1: no TLS proxy in front to redirect to.
        SECURE_SSL_REDIRECT="0",
        DATABASE_URL=target.database_url,
        REDIS_URL=target.redis_url,
        # Its own keys, even in a Redis database shared with something else.
        CACHE_KEY_PREFIX="bench",
        # Connections stay open between requests, as in production.
        DB_CONN_MAX_AGE="600",
        MARKET_PAGE_CACHE_SECONDS=str(PAGE_CACHE_SECONDS if page_cache else 0),
        MARKET_API_RATE_ANONYMOUS=API_RATE,
        # Tasks queued in the database and run by a worker beside the app
        # servers, as deployed (docs/deploy.md); e-mails are rendered by the
        # worker and sent nowhere: there is no mail server here.
        TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        PYTHONUNBUFFERED="1",
    )
    return env


def run_python(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    """`python <args>` in the project's directory, output captured."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def static_files_changed() -> bool:
    """Whether a static file is newer than the last `collectstatic`'s manifest."""
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if not manifest.exists():
        return True
    collected = manifest.stat().st_mtime
    return any(
        Path(storage.path(path)).stat().st_mtime > collected
        for finder in finders.get_finders()
        for path, storage in finder.list(["CVS", ".*", "*~"])
    )


def collectstatic(env: dict[str, str]) -> None:
    """Production settings serve hashed static files: collect them first.

    Compressing and hashing everything takes a minute, so it is skipped when
    nothing changed since the last time.
    """
    if not static_files_changed():
        return
    done = run_python(["manage.py", "collectstatic", "--noinput", "-v", "0"], env)
    if done.returncode != 0:
        raise RuntimeError(f"collectstatic failed:\n{done.stderr}")


def worker_pids(master: int) -> list[int]:
    """The processes whose parent is `master` (gunicorn's workers)."""
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces, so split after ")".
        if int(stat.rsplit(")", 1)[1].split()[1]) == master:
            children.append(int(entry.name))
    return sorted(children)


def rss_mb(pid: int) -> float:
    """Resident memory of a process (VmRSS), in MB; 0 if it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    found = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
    return int(found.group(1)) / 1024 if found else 0.0


class Server:
    """gunicorn serving the site on a free port until `stop`.

    The listening socket is opened here and handed over (`fd://`), so the port
    is never free between choosing and binding it, whoever else runs a server.
    """

    def __init__(
        self,
        env: dict[str, str],
        *,
        workers: int,
        log: Path,
        app: str = "cms.wsgi:application",
        timeout: int = 60,
        task_worker: bool = True,
    ):
        self.env, self.workers, self.log = env, workers, log
        # The WSGI application, its request timeout, and whether a db_worker
        # runs beside it for the tasks the requests queue.
        self.app, self.timeout, self.with_task_worker = app, timeout, task_worker
        self.process: subprocess.Popen | None = None
        self.task_worker: subprocess.Popen | None = None
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(("127.0.0.1", 0))
        listener.listen(2048)
        listener.set_inheritable(True)
        self.port = listener.getsockname()[1]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    self.app,
                    f"--workers={self.workers}",
                    "--worker-class=sync",
                    f"--bind=fd://{listener.fileno()}",
                    f"--timeout={self.timeout}",
                    "--log-level=warning",
                ],
                cwd=settings.BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                pass_fds=(listener.fileno(),),
            )
        listener.close()
        if not self.with_task_worker:
            self._wait_until_ready()
            return
        with self.log.open("ab") as log:
            self.task_worker = subprocess.Popen(
                [sys.executable, "manage.py", "db_worker"],
                cwd=settings.BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self._wait_until_ready()

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited at start; see {self.log}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/healthz", timeout=2):
                    if len(worker_pids(self.process.pid)) >= self.workers:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer in {READY_TIMEOUT} s; {self.log}")

    def warm(self, paths: list[str]) -> None:
        """Request each address once, however long it takes the first time."""
        for path in paths:
            try:
                with urllib.request.urlopen(self.base_url + path, timeout=120):
                    pass
            except OSError:
                # An error page is the scenario's to report, under load.
                continue

    def worker_rss_mb(self) -> list[float]:
        return [rss_mb(pid) for pid in worker_pids(self.process.pid)]

    def stop(self) -> None:
        for process in (self.task_worker, self.process):
            if process is None or process.poll() is not None:
                continue
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def log_problems(log: Path, limit: int = 10) -> list[str]:
    """The distinct errors in a gunicorn log, most frequent first, with counts.

    Django logs "Internal Server Error: <path>" and the traceback, whose last
    line names the exception; gunicorn logs worker timeouts and crashes.
    """
    if not log.exists():
        return []
    counts: Counter = Counter()
    last_exception = None
    for line in log.read_text(errors="replace").splitlines():
        if re.match(r"^\w[\w.]*(Error|Exception|Exit)\b", line):
            last_exception = line[:300]
            counts[last_exception] += 1
        elif "[CRITICAL]" in line or "[ERROR]" in line:
            counts[re.sub(r"^\[[^]]*\] \[\d+\] ", "", line)[:300]] += 1
    return [f"{n} × {text}" for text, n in counts.most_common(limit)]


def probe(action: str, env: dict[str, str], workdir: Path, given: dict, **extra):
    """Run `cms.bench.probe <action>` with `given` as input; its JSON answer.

    Raises `Refused` with the probe's message if it found the database unusable.
    """
    from .probe import REFUSED

    source = workdir / f"{action}-input.json"
    answer = workdir / f"{action}-output.json"
    source.write_text(json.dumps(given, ensure_ascii=False))
    args = ["-m", "cms.bench.probe", action, f"--input={source}", f"--output={answer}"]
    args += [f"--{key.replace('_', '-')}={value}" for key, value in extra.items()]
    done = run_python(args, env)
    if done.returncode == REFUSED:
        raise Refused(done.stderr.strip())
    if done.returncode != 0:
        raise RuntimeError(f"probe {action} failed:\n{done.stderr}")
    return json.loads(answer.read_text())
