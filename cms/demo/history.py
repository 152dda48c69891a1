"""A year of demo order history, so the reports have something to show.

About 240 orders spread over the last twelve months, placed through
`market.ordering` and moved on by `market.fulfilment` exactly as buyers and
cooperatives would, then dated back (every timestamp of an order moves by the
same amount, so its history stays in order). The plan is drawn from a fixed
random seed and each order has a fixed checkout token, so loading the demo again
places nothing twice. The units these orders took are put back afterwards: the
demo's stock stays what the catalogue shows.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.test.utils import override_settings
from django.utils import timezone

from market import fulfilment as fulfilment_actions
from market import ordering
from market.models import (
    DeliveryMethod,
    Fulfilment,
    LedgerEntry,
    Order,
    OrderEvent,
    Payment,
    PaymentMethod,
    Product,
)
from producers import places

SEED = 2026
ORDER_COUNT = 240
TOKEN_PREFIX = "demo-history-"
NGHE_AN = 40
# Units added while placing the history, taken back afterwards.
STOCK_HEADROOM = 100_000

BUYERS = (
    ("Nguyễn Văn An", "0912000101"),
    ("Trần Thị Bình", "0912000102"),
    ("Lê Văn Cường", "0912000103"),
    ("Phạm Thị Dung", "0912000104"),
    ("Hoàng Văn Em", "0912000105"),
    ("Võ Thị Giang", "0912000106"),
    ("Đặng Văn Hải", "0912000107"),
    ("Bùi Thị Hạnh", "0912000108"),
    ("Đỗ Văn Khánh", "0912000109"),
    ("Hồ Thị Lan", "0912000110"),
    ("Ngô Văn Long", "0912000111"),
    ("Dương Thị Mai", "0912000112"),
    ("Lý Văn Nam", "0912000113"),
    ("Phan Thị Oanh", "0912000114"),
    ("Vũ Văn Phúc", "0912000115"),
    ("Trịnh Thị Quỳnh", "0912000116"),
    ("Mai Văn Sơn", "0912000117"),
    ("Cao Thị Thảo", "0912000118"),
    ("Lưu Văn Tuấn", "0912000119"),
    ("Chu Thị Uyên", "0912000120"),
    ("Tạ Văn Vinh", "0912000121"),
    ("Kiều Thị Xuân", "0912000122"),
    ("Đinh Văn Yên", "0912000123"),
    ("Lã Thị Yến", "0912000124"),
)


@dataclass(frozen=True)
class PlannedOrder:
    token: str
    placed_at: datetime.datetime
    items: dict[int, int]  # product id -> quantity
    buyer: int  # index into BUYERS; -1: the demo buyer's account
    commune_code: int
    payment_method: str
    pickup: bool
    # What happens next: "paid", "expired", "waiting" (bank transfers), then for
    # each part the transitions made, or "cancel".
    payment: str
    steps: tuple[str, ...]


def _steps(age_days: int, rng: random.Random) -> tuple[str, ...]:
    """How far an order of this age has come: old ones are delivered (or cancelled)."""
    if age_days > 14:
        return (
            ("cancel",)
            if rng.random() < 0.07
            else ("confirm", "pack", "ship", "deliver")
        )
    if age_days > 3:
        return ("confirm", "pack", "ship", "deliver")[: rng.randint(2, 4)]
    return ("confirm",)[: rng.randint(0, 1)]


def plan(
    products: list[Product], today: datetime.date, count: int = ORDER_COUNT
) -> list[PlannedOrder]:
    """The same orders for the same products and day, whatever has been loaded."""
    rng = random.Random(SEED)
    communes = [code for code, _name in places.commune_choices(NGHE_AN)]
    zone = timezone.get_current_timezone()
    orders = []
    for n in range(count):
        # More orders in recent months: a market that is growing.
        age = int(365 * (1 - rng.random() ** 0.8))
        day = today - datetime.timedelta(days=max(age, 1))
        placed_at = datetime.datetime.combine(
            day, datetime.time(rng.randint(7, 21), rng.randint(0, 59)), zone
        )
        chosen = rng.sample(products, k=min(len(products), rng.choice((1, 1, 2, 2, 3))))
        items = {p.pk: max(p.min_order_quantity, rng.randint(1, 4)) for p in chosen}
        method = (
            PaymentMethod.BANK_TRANSFER
            if rng.random() < 0.35
            else PaymentMethod.CASH_ON_DELIVERY
        )
        payment = ""
        if method == PaymentMethod.BANK_TRANSFER:
            if age < 2:
                payment = "waiting"
            else:
                payment = "expired" if rng.random() < 0.12 else "paid"
        orders.append(
            PlannedOrder(
                token=f"{TOKEN_PREFIX}{n:03d}",
                placed_at=placed_at,
                items=items,
                buyer=-1 if n % 15 == 0 else rng.randrange(len(BUYERS)),
                commune_code=rng.choice(communes),
                payment_method=method,
                pickup=rng.random() < 0.2,
                payment=payment,
                steps=_steps(age, rng),
            )
        )
    return orders


# The history's buyers are made up and its e-mails would take most of the load's
# time to render: they are queued to a backend that keeps them in memory.
QUIET = {
    "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    "TASKS": {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}},
}


def load_history(
    buyer, today: datetime.date | None = None, count: int = ORDER_COUNT
) -> int:
    """Place the planned orders not placed yet; returns how many were placed."""
    # After-commit work (the e-mails) runs when the transaction ends, while the
    # quiet settings still hold.
    with override_settings(**QUIET), transaction.atomic():
        return _load(buyer, today, count)


def _load(buyer, today: datetime.date | None, count: int) -> int:
    products = list(
        Product.objects.filter(live=True).select_related("cooperative").order_by("slug")
    )
    if not products:
        return 0
    planned = plan(products, today or timezone.localdate(), count)
    done = set(
        Order.objects.filter(checkout_token__startswith=TOKEN_PREFIX).values_list(
            "checkout_token", flat=True
        )
    )
    todo = [item for item in planned if item.token not in done]
    if not todo:
        return 0
    ids = [p.pk for p in products]
    stock = dict(Product.objects.filter(pk__in=ids).values_list("pk", "stock"))
    Product.objects.filter(pk__in=ids).update(stock=F("stock") + STOCK_HEADROOM)
    for item in todo:
        _place(item, buyer, products)
    for pk, units in stock.items():
        Product.objects.filter(pk=pk).update(stock=units)
    return len(todo)


def _place(item: PlannedOrder, buyer, products: list[Product]) -> None:
    by_id = {p.pk: p for p in products}
    name, phone = (
        BUYERS[item.buyer] if item.buyer >= 0 else (buyer.first_name, "0912345678")
    )
    email = buyer.email if item.buyer < 0 else f"khach{phone[-3:]}@example.vn"
    pickup = {
        by_id[pk].cooperative_id: DeliveryMethod.PICKUP
        for pk in item.items
        if item.pickup
    }
    order = ordering.place_order(
        items=item.items,
        details=ordering.CheckoutDetails(
            contact_name=name,
            phone=phone,
            email=email,
            province_code=NGHE_AN,
            commune_code=item.commune_code,
            street="Xóm 1",
            payment_method=item.payment_method,
            delivery=pickup,
        ),
        user=buyer if item.buyer < 0 else None,
        checkout_token=item.token,
    )
    if item.payment == "paid":
        ordering.mark_paid(
            order, amount=order.total, payment=order.payments.first(), source="demo"
        )
    elif item.payment == "expired":
        ordering.expire_order(order, reason="demo")
    if item.payment in ("", "paid"):
        for part in order.fulfilments.all():
            _advance(part, item.steps)
    _date_back(order, item.placed_at)


def _advance(part: Fulfilment, steps: tuple[str, ...]) -> None:
    for step in steps:
        if step == "ship":
            fulfilment_actions.ship(part, tracking_note="Viettel Post")
        else:
            getattr(fulfilment_actions, step)(part)


def _date_back(order: Order, placed_at: datetime.datetime) -> None:
    """Move every timestamp of `order` by the same amount, to `placed_at`."""
    shift = (
        Order.objects.values_list("created_at", flat=True).get(pk=order.pk) - placed_at
    )

    def back(*names):
        return {name: F(name) - shift for name in names}

    Order.objects.filter(pk=order.pk).update(
        **back("created_at", "updated_at", "paid_at", "payment_due_at")
    )
    Fulfilment.objects.filter(order=order).update(
        **back("created_at", "updated_at", "cash_collected_at")
    )
    OrderEvent.objects.filter(order=order).update(**back("created_at"))
    Payment.objects.filter(order=order).update(**back("created_at", "updated_at"))
    LedgerEntry.objects.filter(fulfilment__order=order).update(**back("created_at"))
