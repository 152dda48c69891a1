"""The benchmark's own logic (cms/bench): reading wrk, choosing addresses from
the data, reading the site's forms as the checkout buyers do, checking stock
after checkout, and the report. Running gunicorn and wrk is `make bench`'s job,
not the suite's."""

import json
import os
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command

from cms.bench import Refused, checkout, probe, report, scenarios, server, wrk
from market.models import Product
from tests.market.buying import CART_URL, CHECKOUT_URL
from tests.market.factories import CategoryFactory, ProductFactory
from tests.market.orders import place
from tests.producers.factories import CooperativeFactory, LotFactory

WRK_OUTPUT = """\
Running 10s test @ http://127.0.0.1:43123
  2 threads and 20 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    61.05ms   12.40ms 180.22ms   71.20%
  3270 requests in 10.01s, 95.12MB read
  Non-2xx or 3xx responses: 3
Requests/sec:    326.63
Transfer/sec:      9.50MB
WRK_JSON {"requests": 3270, "duration_us": 10011000, "bytes": 99740000, \
"errors": {"connect": 0, "read": 1, "write": 0, "status": 3, "timeout": 2}, \
"latency_us": {"mean": 61050.2, "max": 180220, "p50": 58400, "p95": 84100, \
"p99": 121000}}
"""


# The command


def test_the_command_refuses_unknown_scenarios_and_unreadable_concurrency():
    with pytest.raises(CommandError, match="Unknown scenario nope; choose from"):
        call_command("bench", "--scenarios", "product,nope")
    with pytest.raises(CommandError, match="1,20,50"):
        call_command("bench", "--concurrency", "1,lots")


# wrk


def test_wrk_results_are_read_from_the_json_line_the_script_prints():
    result = wrk.parse(WRK_OUTPUT)

    assert result.requests == 3270
    assert result.requests_per_second == pytest.approx(326.6, abs=0.1)
    assert (result.p50_ms, result.p95_ms, result.p99_ms) == (58.4, 84.1, 121.0)
    assert result.errors == {
        "connect": 0,
        "read": 1,
        "write": 0,
        "status": 3,
        "timeout": 2,
    }
    assert result.error_count == 6


def test_wrk_output_without_the_json_line_is_refused_with_the_output():
    with pytest.raises(ValueError, match="Requests/sec"):
        wrk.parse("Requests/sec:    326.63\n")


def test_one_connection_gets_one_wrk_thread_and_more_get_two(tmp_path):
    paths = tmp_path / "paths.txt"
    single = wrk.command("http://x", paths, connections=1, seconds=10)
    many = wrk.command("http://x", paths, connections=20, seconds=2.4)

    assert single[0] == "wrk"
    assert "--threads=1" in single and "--duration=10s" in single
    assert "--threads=2" in many and "--connections=20" in many
    assert "--duration=2s" in many
    assert many[-2:] == ["--", str(paths)]


# Choosing addresses


@pytest.mark.django_db
def test_a_database_without_seeded_data_is_refused_with_what_to_run():
    ProductFactory()

    with pytest.raises(Refused, match="run `manage.py seed_scale`"):
        probe.prepare(["product"])


@pytest.mark.django_db
def test_a_migrated_database_has_no_unapplied_migrations_to_warn_about():
    assert probe.unapplied_migrations() == []


def test_spread_takes_evenly_spaced_items_over_the_whole_list():
    assert scenarios.spread(list(range(10)), 5) == [0, 2, 4, 6, 8]
    assert scenarios.spread([1, 2], 5) == [1, 2]


@pytest.mark.django_db
def test_rotating_scenarios_take_their_addresses_from_the_data():
    cooperative = CooperativeFactory(slug="scale-0001-htx-cam")
    product = ProductFactory(cooperative=cooperative, slug="scale-1-0001-cam-vinh")
    ProductFactory(cooperative=cooperative, slug="an-nhap", live=False)
    lot = LotFactory(cooperative=cooperative)

    chosen = {s.name: s for s in scenarios.choose(scenarios.URL_SCENARIOS)}

    assert list(chosen) == scenarios.URL_SCENARIOS
    assert chosen["healthz"].paths == ["/healthz"]
    assert chosen["product"].paths == [f"/san-pham/{product.slug}/"]
    assert chosen["cooperative"].paths == [f"/hop-tac-xa/{cooperative.slug}/"]
    assert chosen["trace"].paths == [f"/l/{lot.public_id}/"]
    assert chosen["qr_svg"].paths == [f"/l/{lot.public_id}/qr.svg"]
    assert chosen["api_products"].paths[0] == "/api/v1/products"


@pytest.mark.django_db
def test_the_filtered_catalogue_asks_for_a_deep_page_of_combinations_that_have_it(
    settings,
):
    settings.MARKET_CATALOGUE_PAGE_SIZE = 2
    tea = CategoryFactory(slug="che")
    honey = CategoryFactory(slug="mat-ong")
    cooperative = CooperativeFactory(province_code=40)
    ProductFactory.create_batch(5, category=tea, cooperative=cooperative, ocop_stars=4)
    ProductFactory.create_batch(
        2, category=honey, cooperative=cooperative, ocop_stars=3
    )

    scenario = scenarios.filtered_catalogue(page=2)

    # Tea has 5 products from 3 stars up and from 4 stars up: 3 pages each.
    assert scenario.paths == [
        "/san-pham/?category=che&province=40&ocop=3&sort=price_asc&page=2",
        "/san-pham/?category=che&province=40&ocop=4&sort=price_asc&page=2",
    ]
    assert scenario.note == ""


@pytest.mark.django_db
def test_without_enough_products_the_filtered_catalogue_takes_the_last_page_and_says_so(
    settings,
):
    settings.MARKET_CATALOGUE_PAGE_SIZE = 2
    tea = CategoryFactory(slug="che")
    ProductFactory.create_batch(3, category=tea, ocop_stars=5)

    scenario = scenarios.filtered_catalogue(page=50)

    assert scenario.paths == [
        "/san-pham/?category=che&province=40&ocop=3&sort=price_asc&page=2"
    ]
    assert "no combination has 50 pages" in scenario.note


@pytest.mark.django_db
def test_searches_are_the_commonest_first_words_of_names_without_diacritics(settings):
    settings.MARKET_CATALOGUE_PAGE_SIZE = 2
    for name in ["Mật ong hoa rừng", "Mật ong bạc hà", "Mật ong rừng"]:
        ProductFactory(name=name)
    ProductFactory(name="Gạo tám thơm Diễn Châu")

    assert scenarios.search_queries(count=2) == ["mat ong", "mat"]
    assert scenarios.search().paths == ["/tim-kiem/?q=mat+ong", "/tim-kiem/?q=mat"]


# Checkout buyers


@pytest.mark.django_db
def test_buyers_fill_in_the_sites_own_add_to_cart_and_checkout_forms(client):
    product = ProductFactory(stock=5)

    page = client.get(f"/san-pham/{product.slug}/").content.decode()
    add = checkout.form_fields(page, checkout.CART_PATH)
    assert add["action"] == "add"
    assert add["product"] == str(product.pk)
    assert add["csrfmiddlewaretoken"]
    client.post(CART_URL, add)

    form = checkout.form_fields(
        client.get(CHECKOUT_URL).content.decode(), "/thanh-toan/"
    )
    # The first commune of the province, the delivery each cooperative offers.
    assert form["province"] == "40"
    assert form["commune"].isdigit()
    assert form[f"delivery_{product.cooperative_id}"] in ("delivery", "pickup")
    assert form["checkout_token"] and form["goods_total"] == "150000"
    form.update(contact_name="Nguyễn Văn Thử", phone="0912345678")
    form.update(email="mua@example.vn", street="Xóm 1", payment_method="cod")

    placed = client.post(CHECKOUT_URL, form)

    assert placed.status_code == 302
    assert placed["Location"].startswith(checkout.ORDER_PATH)


def test_a_page_without_the_form_gives_none():
    assert checkout.form_fields("<form action='/x/'></form>", "/gio-hang/") is None


@pytest.mark.django_db
def test_a_sold_out_product_shows_a_message_the_buyers_count_as_sold_out(client):
    product = ProductFactory(stock=0)

    client.post(CART_URL, {"action": "add", "product": product.pk, "quantity": 1})
    cart = client.get(CART_URL).content.decode()

    assert any(message in cart for message in checkout.SOLD_OUT_MESSAGES)


def test_percentiles_are_nearest_rank_in_milliseconds():
    samples = [i / 1000 for i in range(1, 101)]

    assert checkout.percentiles_ms(samples) == pytest.approx(
        {"p50": 50.0, "p95": 95.0, "p99": 99.0}
    )
    assert checkout.percentiles_ms([]) == {"p50": None, "p95": None, "p99": None}


# Stock after the checkout run


@pytest.mark.django_db
def test_the_stock_check_matches_units_taken_to_units_ordered_then_puts_it_back():
    products = [ProductFactory(stock=100, slug=f"scale-1-{i:04d}-x") for i in (1, 2)]

    plan = probe.set_stock(count=2)["products"]
    assert [p["stock"] for p in plan] == [1, 2]
    place([(products[0], 1)], email="bench@example.vn")
    place([(products[1], 1)], email="bench@example.vn")
    place([(products[1], 1)], email="someone@example.vn")

    checked = probe.verify(plan, "bench@example.vn")

    assert not checked["oversell_ok"]
    assert checked["problems"] == [f"{plan[1]['slug']}: stock 2 -> 0, orders took 1"]
    assert checked["sold_out_products"] == 2
    assert [p.stock for p in Product.objects.order_by("pk")] == [100, 100]


# The report


def results(rps: float) -> dict:
    run = {
        "concurrency": 20,
        "requests_per_second": rps,
        "p50_ms": 10.0,
        "p95_ms": 20.0,
        "p99_ms": 30.0,
        "errors": 0,
        "ratio_to_ceiling": 0.5,
    }
    return {
        "started_at": "2026-11-27T03:45:12+00:00",
        "machine": {"cpus": 2, "load_average": [0.5, 0.4, 0.3]},
        "options": {"workers": 2, "seconds": 10},
        "setups": [
            {
                "page_cache": "off",
                "scenarios": [
                    {
                        "name": "product",
                        "runs": [run],
                        "queries": {"min": 9, "max": 11},
                        "rss_mb_max": 120.0,
                        "note": "",
                    }
                ],
                "checkout": None,
                "worker_rss_mb_max": 120.0,
                "log_problems": ["2 × ValueError: boom"],
            }
        ],
    }


def test_results_are_written_as_json_named_by_their_utc_time(tmp_path):
    started = datetime(2026, 11, 27, 3, 45, 12, tzinfo=UTC)
    path = tmp_path / "bench-results" / report.file_name(started)

    report.write_json(results(300.0), path)

    assert path.name == "20261127T034512Z.json"
    assert report.read_json(path) == json.loads(json.dumps(results(300.0)))


def test_the_table_shows_each_run_and_the_change_against_an_earlier_one():
    text = report.table(results(330.0), previous=results(300.0))

    row = next(line for line in text.splitlines() if line.startswith("product"))
    assert row.split() == [
        "product",
        "20",
        "330.0",
        "10.0",
        "20.0",
        "30.0",
        "0",
        "0.50",
        "9–11",
        "120",
        "+10%",
    ]
    assert "gunicorn log: 2 × ValueError: boom" in text
    assert "Warning" not in text


def test_the_table_warns_when_the_database_lacks_migrations():
    missing = ["tasks.0001_initial", "tasks.0002_more", "market.0007_indexes"]
    measured = results(330.0) | {"unapplied_migrations": missing}

    assert report.table(measured).splitlines()[0] == (
        "Warning: the database lacks migrations the code has, measured without "
        "them: tasks (2 migrations), market.0007_indexes (run `manage.py migrate`)."
    )


def test_the_errors_in_a_gunicorn_log_are_counted_by_exception(tmp_path):
    log = tmp_path / "gunicorn.log"
    log.write_text(
        "Internal Server Error: /san-pham/\n"
        "Traceback (most recent call last):\n"
        '  File "x.py", line 1, in f\n'
        "ValueError: boom\n"
        "Internal Server Error: /san-pham/\n"
        "ValueError: boom\n"
        "[2026-11-27 03:45:12 +0000] [42] [CRITICAL] WORKER TIMEOUT (pid:43)\n"
    )

    assert server.log_problems(log) == [
        "2 × ValueError: boom",
        "1 × [CRITICAL] WORKER TIMEOUT (pid:43)",
    ]


def test_worker_memory_is_read_from_proc():
    assert server.rss_mb(os.getpid()) > 10
    assert os.getpid() in server.worker_pids(os.getppid())
