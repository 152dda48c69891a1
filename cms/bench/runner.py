"""One benchmark run, start to finish (`manage.py bench`).

For each page-cache set-up (off, then on): start gunicorn, then for each
scenario warm it and drive it with wrk at each concurrency; run the checkout
buyers and check the stock; stop gunicorn; count queries per request in
process. The table goes to the output, the results to a JSON file.
"""

import os
import platform
import subprocess
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings

from . import Refused, checkout, report, scenarios, server, wrk

WARM_SECONDS = 2
PROFILE_SECONDS = 10


@dataclass
class Options:
    scenarios: list[str] = field(default_factory=lambda: list(scenarios.ALL))
    seconds: float = 10
    concurrency: list[int] = field(default_factory=lambda: [1, 20])
    # gunicorn's advice, and docs/deploy.md's: two per core and one more, so
    # a worker waiting for PostgreSQL leaves the core to another.
    workers: int = 2 * (os.cpu_count() or 1) + 1
    database_url: str = "postgres://postgres@127.0.0.1:5432/bench"
    redis_url: str = "redis://127.0.0.1:6379/7"
    page_cache: list[str] = field(default_factory=lambda: ["off", "on"])
    checkout_users: int = 20
    checkout_products: int = 20
    results_dir: Path = field(
        default_factory=lambda: settings.BASE_DIR / "bench-results"
    )
    profile: str | None = None


def _git_commit() -> str:
    done = subprocess.run(
        ["git", "describe", "--always", "--dirty"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() or "unknown"


def machine() -> dict:
    return {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "git_commit": _git_commit(),
        # Other work on the machine skews the numbers: this says how much.
        "load_average": os.getloadavg(),
    }


def _without_password(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    credentials, at, address = rest.rpartition("@")
    if not at or ":" not in credentials:
        return url
    return f"{scheme}{sep}{credentials.split(':', 1)[0]}:***@{address}"


class Runner:
    """One run with `options`; progress messages go to `write`."""

    def __init__(self, options: Options, write=print):
        self.options = options
        self.write = write
        self.started = datetime.now(UTC)
        self.target = server.Target.new(options.database_url, options.redis_url)
        # Files the probe and wrk read and write, for the length of one run.
        self.workdir = Path()
        options.results_dir.mkdir(parents=True, exist_ok=True)
        self.stamp = report.file_name(self.started).removesuffix(".json")

    def env(self, page_cache: bool) -> dict[str, str]:
        return server.environment(self.target, page_cache=page_cache)

    def prepare(self, env, names: list[str]) -> dict:
        self.write("Choosing addresses from the database…")
        return server.probe("prepare", env, self.workdir, {"scenarios": names})

    # Profiling

    def profile(self) -> dict:
        """One scenario in process under pyinstrument (no gunicorn, no wrk).

        With the page cache off unless only "on" was asked for: what limits a
        page is what it costs to build.
        """
        name = self.options.profile
        if name not in scenarios.ALL:
            raise Refused("--profile takes a scenario: " + ", ".join(scenarios.ALL))
        env = self.env(page_cache=self.options.page_cache == ["on"])
        with tempfile.TemporaryDirectory(prefix="bench-") as workdir:
            self.workdir = Path(workdir)
            pages = [name] if name in scenarios.URL_SCENARIOS else []
            chosen = self.prepare(env, pages)["scenarios"]
            scenario = chosen[0] if chosen else {"name": name, "paths": []}
            server.collectstatic(env)
            self.write(f"Profiling {name} for {PROFILE_SECONDS} s…")
            return server.probe(
                "profile",
                env,
                self.workdir,
                {
                    "scenario": scenario,
                    "seconds": PROFILE_SECONDS,
                    "email": f"bench-{self.stamp.lower()}-profile@example.vn",
                    "products": self.options.checkout_products,
                },
                profile_to=self.options.results_dir / f"{self.stamp}-profile-{name}",
            )

    # Benchmark

    def run(self) -> dict:
        with tempfile.TemporaryDirectory(prefix="bench-") as workdir:
            self.workdir = Path(workdir)
            return self._run()

    def _run(self) -> dict:
        options = self.options
        wrk.executable()
        env = self.env(page_cache=False)
        pages = [n for n in options.scenarios if n in scenarios.URL_SCENARIOS]
        if pages and scenarios.CEILING not in pages:
            # Every page's throughput is given as a share of the ceiling's.
            pages.insert(0, scenarios.CEILING)
        prepared = self.prepare(env, pages)
        self.write("Collecting static files if any changed…")
        server.collectstatic(env)
        results = {
            "started_at": self.started.isoformat(),
            "machine": machine(),
            "options": {
                **{
                    k: v
                    for k, v in asdict(options).items()
                    if k not in ("results_dir", "profile")
                },
                "database_url": _without_password(options.database_url),
                "settings": server.SETTINGS_MODULE,
                "db_conn_max_age": 600,
                "wrk_timeout_seconds": wrk.TIMEOUT_SECONDS,
            },
            "rows": prepared["rows"],
            "unapplied_migrations": prepared["unapplied_migrations"],
            "setups": [],
        }
        for cache in options.page_cache:
            results["setups"].append(self.setup(cache, prepared["scenarios"]))
        results["finished_at"] = datetime.now(UTC).isoformat()
        results["machine"]["load_average_at_end"] = os.getloadavg()
        return results

    def setup(self, cache: str, chosen: list[dict]) -> dict:
        options = self.options
        env = self.env(page_cache=cache == "on")
        log = options.results_dir / f"{self.stamp}-gunicorn-cache-{cache}.log"
        gunicorn = server.Server(env, workers=options.workers, log=log)
        self.write(
            f"Page cache {cache}: starting gunicorn ({options.workers} workers)…"
        )
        gunicorn.start()
        measured, ceiling = [], {}
        try:
            for scenario in chosen:
                result = self.drive(gunicorn, scenario, ceiling)
                measured.append(result)
            checkout_result = None
            if scenarios.CHECKOUT in options.scenarios:
                checkout_result = self.checkout(gunicorn, env, cache)
            rss = gunicorn.worker_rss_mb()
        finally:
            gunicorn.stop()
        self.write(f"Page cache {cache}: counting queries per request in process…")
        queries = server.probe("queries", env, self.workdir, {"scenarios": chosen})
        for result in measured:
            result["queries"] = queries[result["name"]]
        return {
            "page_cache": cache,
            "scenarios": measured,
            "checkout": checkout_result,
            "worker_rss_mb_max": max(
                [r["rss_mb_max"] for r in measured] + rss, default=0.0
            ),
            "gunicorn_log": str(log),
            "log_problems": server.log_problems(log),
        }

    def drive(self, gunicorn: server.Server, scenario: dict, ceiling: dict) -> dict:
        """Warm one scenario, then wrk at each concurrency; ratios to the ceiling."""
        options = self.options
        paths = self.workdir / f"{scenario['name']}.txt"
        paths.write_text("\n".join(scenario["paths"]) + "\n")
        self.write(f"  {scenario['name']}: {len(scenario['paths'])} addresses")
        # Each address once (what a worker builds on first use: image
        # renditions, template and query caches), then every worker busy.
        gunicorn.warm(scenario["paths"])
        wrk.run(
            gunicorn.base_url,
            paths,
            connections=2 * options.workers,
            seconds=WARM_SECONDS,
        )
        runs, errors_by_kind, rss = [], {}, []
        for connections in options.concurrency:
            measured = wrk.run(
                gunicorn.base_url,
                paths,
                connections=connections,
                seconds=options.seconds,
            )
            rss += gunicorn.worker_rss_mb()
            rps = measured.requests_per_second
            if scenario["name"] == scenarios.CEILING:
                ceiling[connections] = rps
            runs.append(
                {
                    "concurrency": connections,
                    "requests": measured.requests,
                    "seconds": measured.seconds,
                    "requests_per_second": rps,
                    "p50_ms": measured.p50_ms,
                    "p95_ms": measured.p95_ms,
                    "p99_ms": measured.p99_ms,
                    "mean_ms": measured.mean_ms,
                    "max_ms": measured.max_ms,
                    "errors": measured.error_count,
                    "ratio_to_ceiling": (
                        rps / ceiling[connections] if ceiling.get(connections) else None
                    ),
                }
            )
            for kind, count in measured.errors.items():
                if count:
                    key = f"{kind} at concurrency {connections}"
                    errors_by_kind[key] = count
        return {
            "name": scenario["name"],
            "description": scenarios.DESCRIPTIONS[scenario["name"]],
            "addresses": len(scenario["paths"]),
            "note": scenario["note"],
            "runs": runs,
            "errors_by_kind": errors_by_kind,
            "rss_mb_max": max(rss, default=0.0),
        }

    def checkout(self, gunicorn: server.Server, env: dict, cache: str) -> dict:
        """Buyers ordering products of known stock; then the stock check."""
        options = self.options
        self.write(
            f"  checkout: {options.checkout_users} buyers, "
            f"{options.checkout_products} products with a known stock"
        )
        plan = server.probe(
            "stock", env, self.workdir, {"count": options.checkout_products}
        )
        # The run's orders, told apart from all others by their address.
        email = f"bench-{self.stamp.lower()}-cache-{cache}@example.vn"
        try:
            result = checkout.run(
                "127.0.0.1",
                gunicorn.port,
                plan["products"],
                users=options.checkout_users,
                seconds=options.seconds,
                email=email,
            )
        finally:
            stock = server.probe(
                "verify",
                env,
                self.workdir,
                {"products": plan["products"], "email": email},
            )
        result["stock"] = stock
        result["rss_mb_max"] = max(gunicorn.worker_rss_mb(), default=0.0)
        return result
