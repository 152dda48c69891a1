"""The benchmark's work inside the site's own process: `python -m cms.bench.probe`.

The runner starts this with the same environment as gunicorn (production
settings, the benchmark's database and Redis), so what it reads, counts and
profiles is what the server serves, whichever settings `manage.py bench`
itself was started with. Each action reads its input from and writes its
answer to JSON files:

    prepare    check the data is seeded, choose the scenarios' addresses
    stock      give the checkout scenario's products a known stock
    verify     after the checkout run: no oversell; put the stock back
    queries    database queries per request, one request per address
    profile    a scenario under pyinstrument, HTML and text reports

Exit status 3 with a message on stderr means "refused" (no seeded data, no
database): the runner shows the message as it is.

Django is set up in `main`, after this module is imported, so the actions
import the site's code where they run.
"""

import argparse
import contextlib
import json
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from . import Refused

REFUSED = 3
# Addresses per scenario the query count and the profile use (evenly spread).
SAMPLE = 20


def prepare(names: list[str]) -> dict:
    from django.db import OperationalError, ProgrammingError

    from cms import scale

    from . import scenarios

    try:
        seeded = scale.seed_exists()
    except (OperationalError, ProgrammingError) as error:
        reason = str(error).strip().splitlines()[0]
        raise Refused(
            f"The database cannot be read ({reason}). Create it, then run "
            "`manage.py migrate` and `manage.py seed_scale` with the same "
            "DATABASE_URL."
        ) from error
    if not seeded:
        raise Refused(
            "The database has no seeded data: run `manage.py seed_scale` with the "
            "same DATABASE_URL first (docs/performance.md, “Data at scale”)."
        )
    return {
        "scenarios": [vars(s) for s in scenarios.choose(names)],
        "rows": _row_counts(),
        "unapplied_migrations": unapplied_migrations(),
    }


def unapplied_migrations() -> list[str]:
    """Migrations the code has and the database lacks ("market.0007_…").

    Numbers measured without them (an index not built yet) say little about
    the code, so the report warns; writing to the database is not the
    benchmark's business, so it does not migrate.
    """
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{m.app_label}.{m.name}" for m, _backwards in plan]


def _row_counts() -> dict:
    from market.models import Order, Product
    from producers.models import Cooperative, Lot

    return {
        "products": Product.objects.count(),
        "cooperatives": Cooperative.objects.count(),
        "lots": Lot.objects.count(),
        "orders": Order.objects.count(),
    }


def set_stock(count: int) -> dict:
    from . import scenarios

    return {
        "products": scenarios.set_checkout_stock(scenarios.checkout_products(count))
    }


def verify(products: list[dict], email: str) -> dict:
    """Units taken from each product equal the units ordered; none below zero.

    The run's orders are those with the run's own e-mail address. The stock is
    put back as it was before the run afterwards.
    """
    from django.db.models import Sum

    from market.models import OrderLine, Product

    from . import scenarios

    ordered = dict(
        OrderLine.objects.filter(
            fulfilment__order__email=email,
            product_id__in=[p["pk"] for p in products],
        )
        .values("product_id")
        .annotate(units=Sum("quantity"))
        .values_list("product_id", "units")
    )
    final = dict(
        Product.objects.filter(pk__in=[p["pk"] for p in products]).values_list(
            "pk", "stock"
        )
    )
    rows, problems = [], []
    for product in products:
        taken = product["stock"] - final[product["pk"]]
        units = ordered.get(product["pk"], 0)
        rows.append(
            {
                "slug": product["slug"],
                "initial": product["stock"],
                "final": final[product["pk"]],
                "ordered": units,
            }
        )
        if taken != units or final[product["pk"]] < 0:
            problems.append(
                f"{product['slug']}: stock {product['stock']} -> "
                f"{final[product['pk']]}, orders took {units}"
            )
    scenarios.restore_stock(products)
    return {
        "oversell_ok": not problems,
        "problems": problems,
        "sold_out_products": sum(1 for row in rows if row["final"] == 0),
        "units_ordered": sum(row["ordered"] for row in rows),
        "products": rows,
    }


def _client():
    from django.test import Client

    # ALLOWED_HOSTS holds 127.0.0.1, not the test client's "testserver".
    return Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)


def queries(scenario_list: list[dict]) -> dict:
    """Per scenario: queries per request, each sampled address asked twice.

    The first request warms what a running worker has warm (caches, the page
    cache when it is on); the second is counted.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .scenarios import spread

    client = _client()
    answer = {}
    for scenario in scenario_list:
        paths = spread(scenario["paths"], SAMPLE)
        for path in paths:
            client.get(path)
        counts, statuses = [], {}
        for path in paths:
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path)
            counts.append(len(captured.captured_queries))
            key = str(response.status_code)
            statuses[key] = statuses.get(key, 0) + 1
        answer[scenario["name"]] = {
            "min": min(counts),
            "max": max(counts),
            "mean": sum(counts) / len(counts),
            "statuses": statuses,
        }
    return answer


def _page_steps(scenario: dict):
    """One request of the scenario's addresses per step, after a warming pass."""
    from .scenarios import spread

    client = _client()
    paths = spread(scenario["paths"], SAMPLE)
    for path in paths:
        client.get(path)
    return lambda number: client.get(paths[number % len(paths)])


def _checkout_steps(products: list[dict], email: str):
    """One checkout buyer's round per step, in process, after a first round."""
    import random

    from .checkout import Buyer, Response, RoundFailed

    class ClientBuyer(Buyer):
        def __init__(self, rng):
            super().__init__(email, rng)
            self.client = _client()

        def request(self, method, path, data=None):
            if data is None:
                response = self.client.get(path)
            else:
                response = self.client.post(path, data)
            self.requests += 1
            location = urlsplit(response.get("Location", "")).path
            return Response(response.status_code, location, response.content.decode())

    rng = random.Random(2027)

    def step(number):
        # The profile is the point here; the load run counts the errors.
        with contextlib.suppress(RoundFailed):
            ClientBuyer(rng).buy(rng.choice(products))

    step(0)
    return step


def profile(
    scenario: dict, out: Path, seconds: float, email: str, products: int
) -> dict:
    """The scenario in a loop for `seconds` under pyinstrument: a request of its
    addresses per step, or for checkout a buyer's round (with the products'
    stock set and, afterwards, checked and put back as in the load run)."""
    try:
        from pyinstrument import Profiler
    except ImportError as error:
        raise Refused(
            "pyinstrument is not installed: pip install -e '.[bench]'"
        ) from error

    from .scenarios import CHECKOUT

    bought = None
    if scenario["name"] == CHECKOUT:
        bought = set_stock(products)["products"]
        step = _checkout_steps(bought, email)
    else:
        step = _page_steps(scenario)
    profiler = Profiler()
    steps = 0
    deadline = time.monotonic() + seconds
    profiler.start()
    while time.monotonic() < deadline:
        step(steps)
        steps += 1
    profiler.stop()
    if bought is not None:
        verify(bought, email)
    html_path, text_path = out.with_suffix(".html"), out.with_suffix(".txt")
    html_path.write_text(profiler.output_html(), encoding="utf-8")
    text = profiler.output_text(unicode=True, color=False)
    text_path.write_text(text, encoding="utf-8")
    return {
        "steps": steps,
        "html": str(html_path),
        "text": str(text_path),
        "report": text,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cms.bench.probe")
    parser.add_argument(
        "action", choices=["prepare", "stock", "verify", "queries", "profile"]
    )
    parser.add_argument("--input", type=Path, help="JSON the action reads")
    parser.add_argument("--output", type=Path, required=True, help="JSON answer")
    parser.add_argument("--profile-to", type=Path, help="report path, no suffix")
    args = parser.parse_args(argv)

    import django

    django.setup()

    given = json.loads(args.input.read_text()) if args.input else {}
    try:
        if args.action == "prepare":
            answer = prepare(given["scenarios"])
        elif args.action == "stock":
            answer = set_stock(given["count"])
        elif args.action == "verify":
            answer = verify(given["products"], given["email"])
        elif args.action == "queries":
            answer = queries(given["scenarios"])
        else:
            answer = profile(
                given["scenario"],
                args.profile_to,
                given["seconds"],
                given["email"],
                given["products"],
            )
    except Refused as refusal:
        print(refusal, file=sys.stderr)
        return REFUSED
    args.output.write_text(json.dumps(answer, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
