"""`seed_scale` builds a consistent, findable, verifiable data set, once.

Run with small counts so the tests take seconds; the full default counts are
measured by hand (docs/performance.md).
"""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.db.models import Count, F, Max, Min, Sum
from django.utils import timezone

from cms import scale
from market.models import Category, Fulfilment, Order, OrderLine, Product
from producers.models import Cooperative, Lot, TraceEvent
from producers.traceability import verify_lot

COUNTS = {"cooperatives": 5, "products": 80, "lots": 40, "orders": 150}


def seed(*extra: str) -> str:
    out = StringIO()
    args = [f"--{name}={value}" for name, value in COUNTS.items()]
    call_command("seed_scale", *args, "--no-progress", *extra, stdout=out)
    return out.getvalue()


def seeded_orders():
    return Order.objects.filter(number__startswith=scale.ORDER_PREFIX)


@pytest.mark.django_db
def test_the_seed_builds_the_counts_asked_for():
    output = seed()

    counts = scale.row_counts()
    assert {name: counts[name] for name in COUNTS} == COUNTS
    assert counts["trace_events"] >= 2 * COUNTS["lots"]
    assert counts["fulfilments"] >= COUNTS["orders"]
    assert counts["order_lines"] >= counts["fulfilments"]
    assert "verify_lot: 40 lô lấy mẫu, chuỗi băm khớp." in output
    # Every seeded cooperative is in Nghệ An with a real commune, named in Vietnamese.
    for cooperative in scale.seeded_cooperatives():
        assert cooperative.province_code == scale.NGHE_AN
        assert cooperative.commune_name
        assert cooperative.name.startswith(("HTX", "Tổ hợp tác"))
    # Products are live, published, in the demo's category tree, never below zero.
    products = Product.objects.filter(cooperative__in=scale.seeded_cooperatives())
    assert products.filter(live=True, first_published_at__isnull=False).count() == 80
    assert not products.filter(stock__lt=0).exists()
    assert set(products.values_list("category__slug", flat=True)) <= set(
        Category.objects.values_list("slug", flat=True)
    )
    assert products.values("name").distinct().count() == 80


@pytest.mark.django_db
def test_order_totals_add_up_and_orders_span_the_last_year():
    seed()

    orders = seeded_orders()
    mismatched_lines = (
        Fulfilment.objects.filter(order__in=orders)
        .annotate(lines_total=Sum(F("lines__unit_price") * F("lines__quantity")))
        .exclude(goods_total=F("lines_total"))
    )
    assert not mismatched_lines.exists()
    by_parts = orders.annotate(
        parts_goods=Sum("fulfilments__goods_total"),
        parts_delivery=Sum("fulfilments__delivery_fee"),
    )
    assert not by_parts.exclude(goods_total=F("parts_goods")).exists()
    assert not by_parts.exclude(delivery_total=F("parts_delivery")).exists()
    assert not orders.exclude(total=F("goods_total") + F("delivery_total")).exists()
    assert not orders.filter(fulfilments__isnull=True).exists()

    span = orders.aggregate(first=Min("created_at"), last=Max("created_at"))
    now = timezone.now()
    assert (now - span["first"]).days > 180
    assert (now - span["first"]).days <= 366
    assert span["last"] <= now
    assert orders.filter(user__isnull=True).count() == COUNTS["orders"]
    methods = set(orders.values_list("payment_method", flat=True))
    assert len(methods) >= 2
    delivered = Fulfilment.objects.filter(
        order__in=orders, status=Fulfilment.Status.DELIVERED
    ).count()
    assert delivered > Fulfilment.objects.filter(order__in=orders).count() / 2
    # Lines of cancelled orders gave their units back; completed ones sold them.
    assert not OrderLine.objects.filter(
        fulfilment__order__in=orders.filter(status=Order.Status.CANCELLED)
    ).exclude(stock_status=OrderLine.StockStatus.RETURNED)
    assert not OrderLine.objects.filter(
        fulfilment__order__in=orders.filter(status=Order.Status.COMPLETED)
    ).exclude(stock_status=OrderLine.StockStatus.SOLD)


@pytest.mark.django_db
def test_every_seeded_lot_has_a_chain_verify_lot_accepts():
    seed("--verify=0")

    lots = Lot.objects.filter(cooperative__in=scale.seeded_cooperatives())
    assert lots.count() == COUNTS["lots"]
    for lot in lots:
        assert lot.head_hash
        assert verify_lot(lot, check_files=False) == []
    recalled = lots.filter(status=Lot.Status.RECALLED)
    for lot in recalled:
        last = TraceEvent.objects.filter(lot=lot).order_by("-sequence").first()
        assert last.biz_step == "recalling"
    # Products are sold from the seeded lots.
    assert Product.lots.through.objects.filter(lot__in=lots).count() == 40


@pytest.mark.django_db
def test_seeded_products_are_found_by_the_catalogue_api_and_page(client):
    seed()
    product = (
        Product.objects.filter(cooperative__in=scale.seeded_cooperatives())
        .select_related("cooperative")
        .order_by("pk")
        .first()
    )
    # Typed without diacritics, as buyers often do.
    query = " ".join(product.search_name.split()[:2])

    response = client.get("/api/v1/products", {"q": query, "page_size": 100})

    assert response.status_code == 200
    slugs = [item["slug"] for item in response.json()["results"]]
    assert product.slug in slugs
    assert response.json()["count"] >= 1

    page = client.get("/san-pham/", {"q": product.search_name})
    assert page.status_code == 200
    assert product.name in page.content.decode()

    detail = client.get(product.get_absolute_url())
    assert detail.status_code == 200


@pytest.mark.django_db
def test_a_second_run_refuses_and_replace_rebuilds_without_touching_the_demo():
    call_command("load_demo_data", "--small", stdout=StringIO())
    demo = {
        "cooperatives": list(
            Cooperative.objects.exclude(slug__startswith=scale.SLUG_PREFIX)
            .order_by("pk")
            .values_list("pk", "name", "search_text")
        ),
        "products": list(
            Product.objects.exclude(slug__startswith=scale.SLUG_PREFIX)
            .order_by("pk")
            .values_list("pk", "name", "stock", "search_text")
        ),
        "lots": list(
            Lot.objects.exclude(cooperative__slug__startswith=scale.SLUG_PREFIX)
            .order_by("pk")
            .values_list("pk", "code", "head_hash")
        ),
        "events": TraceEvent.objects.exclude(
            lot__cooperative__slug__startswith=scale.SLUG_PREFIX
        ).count(),
        "orders": list(
            Order.objects.exclude(number__startswith=scale.ORDER_PREFIX)
            .order_by("pk")
            .values_list("pk", "number", "total")
        ),
        "categories": Category.objects.count(),
    }
    assert demo["products"] and demo["lots"] and demo["orders"]

    seed()
    first = scale.row_counts()
    assert Category.objects.count() == demo["categories"]  # the demo's tree reused

    with pytest.raises(CommandError, match="--replace"):
        seed()
    assert scale.row_counts() == first

    seed("--replace")
    assert scale.row_counts() == first
    assert (
        Cooperative.objects.filter(slug__startswith=scale.SLUG_PREFIX)
        .values("slug")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
        == 0
    )
    # The append-only triggers are back after the replaced seed's lots went.
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM producers_traceevent")

    assert (
        list(
            Cooperative.objects.exclude(slug__startswith=scale.SLUG_PREFIX)
            .order_by("pk")
            .values_list("pk", "name", "search_text")
        )
        == demo["cooperatives"]
    )
    assert (
        list(
            Product.objects.exclude(slug__startswith=scale.SLUG_PREFIX)
            .order_by("pk")
            .values_list("pk", "name", "stock", "search_text")
        )
        == demo["products"]
    )
    assert (
        list(
            Lot.objects.exclude(cooperative__slug__startswith=scale.SLUG_PREFIX)
            .order_by("pk")
            .values_list("pk", "code", "head_hash")
        )
        == demo["lots"]
    )
    assert (
        TraceEvent.objects.exclude(
            lot__cooperative__slug__startswith=scale.SLUG_PREFIX
        ).count()
        == demo["events"]
    )
    assert (
        list(
            Order.objects.exclude(number__startswith=scale.ORDER_PREFIX)
            .order_by("pk")
            .values_list("pk", "number", "total")
        )
        == demo["orders"]
    )


@pytest.mark.django_db
def test_the_small_preset_and_bad_counts():
    output = StringIO()
    call_command("seed_scale", "--small", "--no-progress", stdout=output)
    assert scale.row_counts()["products"] == scale.SMALL.products

    with pytest.raises(CommandError, match="--cooperatives"):
        call_command("seed_scale", "--cooperatives=0", "--no-progress")
