"""`manage.py bench`: measure the site under gunicorn (docs/performance.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cms.bench import Refused, report, scenarios
from cms.bench.runner import Options, Runner

PAGE_CACHE = {"off": ["off"], "on": ["on"], "both": ["off", "on"]}


def _names(value: str) -> list[str]:
    names = [name.strip() for name in value.split(",") if name.strip()]
    unknown = sorted(set(names) - set(scenarios.ALL))
    if unknown:
        raise CommandError(
            f"Unknown scenario {', '.join(unknown)}; choose from "
            f"{', '.join(scenarios.ALL)}."
        )
    return names


def _levels(value: str) -> list[int]:
    try:
        levels = [int(level) for level in value.split(",") if level.strip()]
    except ValueError as error:
        raise CommandError("--concurrency takes numbers: 1,20,50") from error
    if not levels or min(levels) < 1:
        raise CommandError("--concurrency takes numbers of 1 or more: 1,20,50")
    return levels


class Command(BaseCommand):
    help = (
        "Benchmark the site as production runs it: gunicorn with production "
        "settings on PostgreSQL and Redis, driven by wrk; a table on the "
        "output, the results in bench-results/<time>.json."
    )

    def add_arguments(self, parser):
        defaults = Options()
        parser.add_argument(
            "--scenarios",
            default=",".join(scenarios.ALL),
            help=f"Comma-separated subset of: {', '.join(scenarios.ALL)}.",
        )
        parser.add_argument(
            "--duration",
            type=float,
            default=defaults.seconds,
            help="Seconds per scenario and concurrency (default %(default)s).",
        )
        parser.add_argument(
            "--concurrency",
            default=",".join(map(str, defaults.concurrency)),
            help="Connections wrk keeps open, one run each (default %(default)s).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=defaults.workers,
            help="gunicorn sync workers (default %(default)s).",
        )
        parser.add_argument(
            "--database-url",
            default=defaults.database_url,
            help="The seeded database the site serves (default %(default)s).",
        )
        parser.add_argument(
            "--redis-url",
            default=defaults.redis_url,
            help="Cache and page cache (default %(default)s).",
        )
        parser.add_argument(
            "--page-cache",
            choices=sorted(PAGE_CACHE),
            default="both",
            help="Run with the anonymous page cache off, on, or both in turn "
            "(default %(default)s).",
        )
        parser.add_argument(
            "--checkout-users",
            type=int,
            default=defaults.checkout_users,
            help="Buyers ordering at once in the checkout scenario "
            "(default %(default)s).",
        )
        parser.add_argument(
            "--json",
            type=Path,
            help="Where to write the results (default bench-results/<UTC time>.json).",
        )
        parser.add_argument(
            "--compare",
            type=Path,
            help="An earlier results file: the table adds the change in req/s.",
        )
        parser.add_argument(
            "--profile",
            metavar="SCENARIO",
            help="Instead of the benchmark, profile one scenario in process with "
            "pyinstrument; reports go to bench-results/.",
        )

    def handle(self, *args, **options):
        if options["workers"] < 1 or options["checkout_users"] < 1:
            raise CommandError("--workers and --checkout-users take 1 or more.")
        bench = Options(
            scenarios=_names(options["scenarios"]),
            seconds=options["duration"],
            concurrency=_levels(options["concurrency"]),
            workers=options["workers"],
            database_url=options["database_url"],
            redis_url=options["redis_url"],
            page_cache=PAGE_CACHE[options["page_cache"]],
            checkout_users=options["checkout_users"],
            profile=options["profile"],
        )
        previous = report.read_json(options["compare"]) if options["compare"] else None
        runner = Runner(bench, write=self.stderr.write)
        try:
            if bench.profile:
                profiled = runner.profile()
                self.stdout.write(profiled["report"])
                self.stdout.write(
                    f"Profiled {profiled['steps']} requests (for checkout, buyers' "
                    "rounds); "
                    f"reports: {profiled['html']}, {profiled['text']}"
                )
                return
            results = runner.run()
        except Refused as refusal:
            raise CommandError(str(refusal)) from refusal
        path = options["json"] or bench.results_dir / report.file_name(runner.started)
        report.write_json(results, path)
        self.stdout.write(report.table(results, previous))
        self.stdout.write(f"Results: {path}")
