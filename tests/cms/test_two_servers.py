"""Two app servers, a task worker, one PostgreSQL database and one Redis: the
scale-out layout of docs/deploy.md, run for real.

A buyer's requests land on either server, as behind a load balancer: the cart
and the checkout follow them through the session (Redis, backed by the
database); an edit saved anywhere shows on every server, page cache or not; the
e-mails a server queues are sent by the worker. The servers run gunicorn on the
production settings (tests/cms/two_servers_settings.py) and this test stands in
for the TLS proxy in front of them.

The test makes its own PostgreSQL database whichever database the rest of the
suite uses, so the SQLite and the PostgreSQL runs both exercise it, and its own
Redis keys; it removes both, and stops every process it started, even when it
fails.
"""

import email
import email.policy
import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from html.parser import HTMLParser
from pathlib import Path

import psycopg
import pytest
import redis

from market.money import format_vnd
from tests.market.buying import CART_URL, CHECKOUT_URL, checkout_data

ROOT = Path(__file__).resolve().parents[2]
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432"
# Database 13 with a prefix of the run's own: the SQLite and PostgreSQL runs of
# the suite share the server at the same time.
REDIS_URL = "redis://127.0.0.1:6379/13"
WORKER_ID = "two-servers-worker"
STARTUP_SECONDS = 30
WORKER_SECONDS = 20

# Run in a fresh process with the servers' environment: migrate the new
# database and load a cooperative delivering one product (tests/market).
SETUP = """
import json
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from tests.market.buying import two_cooperatives
_, orange = two_cooperatives()
print(json.dumps({"id": orange.pk, "slug": orange.slug, "name": orange.name,
                  "price": int(orange.price), "cooperative": orange.cooperative_id}))
"""
# An editor's change, saved as the admin saves it (Product.save and its signals),
# from a process that is neither server.
EDIT = """
import sys
import django
django.setup()
from market.models import Product
product = Product.objects.get(pk=int(sys.argv[1]))
product.name = sys.argv[2]
product.price = int(sys.argv[3])
product.save()
"""


class Process:
    """A server or the worker, its output kept in a log file."""

    def __init__(self, name: str, args: list[str], env: dict, log: Path, **kwargs):
        self.name = name
        self.log = log
        with log.open("wb") as out:
            self.popen = subprocess.Popen(
                args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, **kwargs
            )

    def log_tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace").splitlines()[-lines:]
        return f"--- {self.name} ---\n" + "\n".join(text)

    def terminate(self) -> None:
        """Ask the process to stop, as systemd does (gunicorn and the worker
        finish what they are doing first)."""
        if self.popen.poll() is None:
            self.popen.terminate()

    def wait(self) -> None:
        try:
            self.popen.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait()


class Server(Process):
    """gunicorn serving the site on a socket this process opened on a free port
    (no race for the port) and hands over."""

    def __init__(self, name: str, env: dict, log: Path):
        listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        self.origin = self.url.replace("http://", "https://")
        args = [
            sys.executable,
            "-m",
            "gunicorn",
            "cms.wsgi:application",
            f"--bind=fd://{listener.fileno()}",
            "--workers=1",
            "--threads=4",
            "--timeout=30",
            "--access-logfile=-",
        ]
        super().__init__(name, args, env, log, pass_fds=[listener.fileno()])
        listener.close()

    def wait_until_ready(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            if self.popen.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        pytest.fail(f"{self.name} did not start.\n{self.log_tail()}")


class Stack:
    """What the fixture started: the servers, the worker, and where they write."""

    def __init__(self, a: Server, b: Server, worker: Process, **facts):
        self.a, self.b, self.worker = a, b, worker
        self.__dict__.update(facts)

    def logs(self) -> str:
        return "\n".join(p.log_tail() for p in (self.a, self.b, self.worker))

    def manage(self, code: str, *args: str) -> str:
        """Run `code` in a new process with the servers' settings."""
        result = subprocess.run(
            [sys.executable, "-c", code, *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def sql(self, query: str, *params) -> list[tuple]:
        with psycopg.connect(f"{POSTGRES_URL}/{self.database}") as connection:
            return connection.execute(query, params).fetchall()


def _environment(database: str, key_prefix: str, mail_dir: Path) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "REDIS_URL", "TASKS_BACKEND"}
        and not k.startswith(("AWS_", "WAGTAILSEARCH_"))
    }
    return {
        **env,
        "DJANGO_SETTINGS_MODULE": "tests.cms.two_servers_settings",
        "SECRET_KEY": "two-servers-" + uuid.uuid4().hex * 2,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"{POSTGRES_URL}/{database}",
        "DB_CONN_MAX_AGE": "60",
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": key_prefix,
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "TWO_SERVERS_MAIL_DIR": str(mail_dir),
        "PYTHONUNBUFFERED": "1",
    }


def _drop_database(database: str) -> None:
    with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("two-servers")
    mail_dir = workdir / "mail"
    mail_dir.mkdir()
    database = f"twoservers_{os.getpid()}"
    key_prefix = f"twoservers-{uuid.uuid4().hex[:12]}"
    env = _environment(database, key_prefix, mail_dir)
    _drop_database(database)
    with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{database}"')
    processes = []
    try:
        # The servers start while the database is migrated: nothing before the
        # first request reads it.
        a = Server("server A", env, workdir / "a.log")
        processes.append(a)
        b = Server("server B", env, workdir / "b.log")
        processes.append(b)
        setup = subprocess.run(
            [sys.executable, "-c", SETUP],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert setup.returncode == 0, setup.stdout + setup.stderr
        product = json.loads(setup.stdout.strip().splitlines()[-1])
        worker = Process(
            "worker",
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--interval=0.2",
                "--no-startup-delay",
                "--no-reload",
                f"--worker-id={WORKER_ID}",
            ],
            env,
            workdir / "worker.log",
        )
        processes.append(worker)
        deadline = time.monotonic() + STARTUP_SECONDS
        a.wait_until_ready(deadline)
        b.wait_until_ready(deadline)

        yield Stack(
            a,
            b,
            worker,
            env=env,
            database=database,
            key_prefix=key_prefix,
            mail_dir=mail_dir,
            product=product,
        )
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait()
        server = redis.Redis.from_url(REDIS_URL)
        for key in server.scan_iter(f"{key_prefix}:*"):
            server.delete(key)
        server.close()
        _drop_database(database)


class _BehindTheProxy(http.cookiejar.DefaultCookiePolicy):
    """The servers see HTTPS (X-Forwarded-Proto, as from the TLS proxy) and set
    Secure cookies; the test talks plain HTTP on loopback in the proxy's place,
    so it hands them back as a browser would over HTTPS."""

    def return_ok_secure(self, cookie, request):
        return True


class _Inputs(HTMLParser):
    """Every <input> of a page: its hidden fields and the values it shows."""

    def __init__(self, html: str):
        super().__init__()
        self.hidden: dict[str, str] = {}
        self.by_id: dict[str, str] = {}
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag != "input":
            return
        attrs = dict(attrs)
        if attrs.get("type") == "hidden" and attrs.get("name"):
            self.hidden.setdefault(attrs["name"], attrs.get("value") or "")
        if attrs.get("id"):
            self.by_id[attrs["id"]] = attrs.get("value") or ""


class Browser:
    """One buyer: one cookie jar for the site, whichever server answers (cookies
    do not depend on the port, as both servers stand behind one host name)."""

    def __init__(self, stack: Stack):
        self.stack = stack
        self.cookies = http.cookiejar.CookieJar(policy=_BehindTheProxy())
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies)
        )

    def request(self, server: Server, path: str, data: dict | None = None):
        """The page at `path` after redirects: (final path, HTML)."""
        headers = {"X-Forwarded-Proto": "https", "Accept-Language": "vi"}
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data).encode()
            headers |= {"Origin": server.origin, "Referer": server.origin + path}
        request = urllib.request.Request(server.url + path, body, headers)
        try:
            with self.opener.open(request, timeout=20) as response:
                final = urllib.parse.urlsplit(response.geturl()).path
                return final, response.read().decode()
        except urllib.error.HTTPError as error:
            page = error.read().decode(errors="replace")[:2000]
            pytest.fail(
                f"{server.name} answered {error.code} to {path}:\n{page}\n"
                + self.stack.logs()
            )

    def cookie(self, name: str) -> str:
        return next(c.value for c in self.cookies if c.name == name)

    def form(self, server: Server, path: str) -> tuple[str, _Inputs]:
        _, html = self.request(server, path)
        return html, _Inputs(html)


def _sent_mail(mail_dir: Path) -> list[email.message.EmailMessage]:
    """The messages the file backend wrote (several per file, separated by a
    line of dashes)."""
    messages = []
    for path in sorted(mail_dir.iterdir()):
        for raw in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if raw.strip():
                messages.append(
                    email.message_from_bytes(raw.lstrip(), policy=email.policy.default)
                )
    return messages


def _mail_to(stack: Stack, to: str, text: str) -> email.message.EmailMessage | None:
    for message in _sent_mail(stack.mail_dir):
        body = message.get_body(("plain",)).get_content()
        if to in message["To"] and text in message["Subject"] + body:
            return message
    return None


def _eventually(stack: Stack, check, what: str):
    """What `check` returns once it is true: work done by another process."""
    deadline = time.monotonic() + WORKER_SECONDS
    while not (result := check()):
        if time.monotonic() > deadline:
            pytest.fail(f"Still no {what}.\n{stack.logs()}")
        time.sleep(0.2)
    return result


def test_a_buyer_moves_between_servers_and_the_worker_sends_the_mail(stack):
    browser = Browser(stack)
    product = stack.product
    page = f"/san-pham/{product['slug']}/"

    # The cart is filled on A...
    _, inputs = browser.form(stack.a, page)
    browser.request(
        stack.a,
        CART_URL,
        {
            "action": "add",
            "product": product["id"],
            "quantity": 3,
            "csrfmiddlewaretoken": inputs.hidden["csrfmiddlewaretoken"],
        },
    )
    # ...in a session read from Redis (and kept in the database)...
    session = browser.cookie("sessionid")
    cached = f"{stack.key_prefix}:sessions:1:django.contrib.sessions.cached_db{session}"
    assert redis.Redis.from_url(REDIS_URL).exists(cached)
    assert stack.sql("SELECT 1 FROM django_session WHERE session_key = %s", session)
    # ...and B shows the same line.
    html, cart = browser.form(stack.b, CART_URL)
    assert product["name"] in html
    assert cart.by_id[f"qty-{product['id']}"] == "3"

    # Checkout on B, cash on delivery.
    _, form = browser.form(stack.b, CHECKOUT_URL)
    data = {
        **form.hidden,
        **checkout_data(
            token=form.hidden["checkout_token"],
            **{f"delivery_{product['cooperative']}": "delivery"},
        ),
    }
    order_path, html = browser.request(stack.b, CHECKOUT_URL, data)
    match = re.fullmatch(r"/don-hang/(?P<number>[^/]+)/[^/]+/", order_path)
    assert match, (order_path, html[:2000])
    number = match["number"]

    # A shows the order and the emptied cart.
    _, html = browser.request(stack.a, order_path)
    assert number in html
    _, html = browser.request(stack.a, CART_URL)
    assert 'data-cart-size="0"' in html

    # B queued the confirmation in the database; the worker sent it.
    buyer = checkout_data()["email"]
    _eventually(stack, lambda: _mail_to(stack, buyer, number), f"mail to {buyer}")
    runs = _eventually(
        stack,
        lambda: stack.sql(
            "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult"
            " WHERE task_path = %s AND finished_at IS NOT NULL",
            "market.tasks.send_order_confirmation",
        ),
        "finished confirmation task",
    )
    assert runs == [("SUCCESSFUL", [WORKER_ID])]


def test_an_edit_saved_anywhere_shows_on_both_servers(stack):
    browser = Browser(stack)
    product = stack.product
    page = f"/san-pham/{product['slug']}/"
    for server in (stack.a, stack.b):
        _, html = browser.request(server, page)
        assert product["name"] in html

    new_name, new_price = "Cam Vinh vụ mới", product["price"] + 7000
    stack.manage(EDIT, str(product["id"]), new_name, str(new_price))

    for server in (stack.b, stack.a):
        _, html = browser.request(server, page)
        assert new_name in html, server.name
        assert format_vnd(new_price, "vi").split()[0] in html, server.name
