"""Taking units out of stock and putting them back, without ever overselling.

Every change to `Product.stock` made by buying goes through here. Rows are
locked in primary-key order (so two checkouts that share products cannot
deadlock), each decrement is a conditional UPDATE whose row count is checked,
and the database refuses a negative count on its own (`stock >= 0`).

A cooperative's own changes (units received, a count after stocktaking) go
through `adjust`, under the same lock; from the admin and from the API alike.

An order line's `stock_status` records the separate facts: units *held* for an
order waiting for its payment, units *sold*, units *returned*. A line leaves
HELD or SOLD for RETURNED once only, by a conditional update on that status, so
no retry, duplicate webhook or racing command returns the same units twice.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F

from .models import OrderLine, Product
from .signals import stock_changed


@dataclass(frozen=True)
class Shortage:
    product_id: int
    name: str
    requested: int
    available: int


class InsufficientStock(Exception):
    """Raised when one or more products cannot supply what was asked."""

    def __init__(self, shortages: list[Shortage]):
        self.shortages = shortages
        super().__init__(
            ", ".join(
                f"{s.name}: {s.requested} asked, {s.available} left" for s in shortages
            )
        )


def lock_products(product_ids: Iterable[int]) -> dict[int, Product]:
    """Lock the products' rows, always in pk order, and return them by id."""
    ids = sorted(set(product_ids))
    rows = Product.objects.filter(pk__in=ids).order_by("pk").select_for_update()
    return {p.pk: p for p in rows}


# How `adjust` changes a count: units received are added; a stocktake sets it.
ADD = "add"
SET = "set"
# The most units one product may hold: far beyond any cooperative's store.
MAX_STOCK = 1_000_000


class StockChanged(Exception):
    """A count was set from a figure an order has moved since it was read."""

    def __init__(self, current: int):
        self.current = current
        super().__init__(f"stock is now {current}")


def adjust(
    product_id: int, *, mode: str, quantity: int, expected: int | None = None
) -> tuple[int, int]:
    """Add received units (`ADD`) or set a counted stock (`SET`); (before, after).

    The row is locked (as orders lock it) and changed by one UPDATE. A "set"
    given the count it was based on (`expected`) is refused with
    `StockChanged` if an order moved it meanwhile, so a count taken before an
    order never erases that order.
    """
    if mode not in (ADD, SET) or quantity < 0:
        raise ValueError("adjust() takes mode ADD or SET and a count >= 0")
    with transaction.atomic():
        before = lock_products([product_id])[product_id].stock
        if mode == ADD:
            Product.objects.filter(pk=product_id).update(stock=F("stock") + quantity)
        else:
            if expected is not None and expected != before:
                raise StockChanged(before)
            Product.objects.filter(pk=product_id).update(stock=quantity)
        after = Product.objects.values_list("stock", flat=True).get(pk=product_id)
        _changed({product_id}, availability_changed=(before == 0) != (after == 0))
    return before, after


def take(quantities: Mapping[int, int]) -> None:
    """Take `quantities` (product id -> units) out of stock: all of them or none.

    Must run inside `transaction.atomic`; raises `InsufficientStock` naming
    every product that is short, after which the caller's transaction rolls
    back whatever this call already took.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("stock.take() must run inside transaction.atomic")
    products = lock_products(quantities)
    shortages = []
    for product_id in sorted(quantities):
        wanted = quantities[product_id]
        if wanted <= 0:
            raise ValueError("quantities must be positive")
        taken = Product.objects.filter(pk=product_id, stock__gte=wanted).update(
            stock=F("stock") - wanted
        )
        if taken != 1:
            product = products.get(product_id)
            shortages.append(
                Shortage(
                    product_id=product_id,
                    name=product.name if product else "",
                    requested=wanted,
                    available=product.stock if product else 0,
                )
            )
    if shortages:
        raise InsufficientStock(shortages)
    _changed(
        set(quantities),
        availability_changed=any(
            products[pk].stock == quantities[pk] for pk in quantities if pk in products
        ),
    )


def put_back(quantities: Mapping[int, int]) -> None:
    """Return units to stock (the caller has made sure they were taken)."""
    for product_id in sorted(quantities):
        Product.objects.filter(pk=product_id).update(
            stock=F("stock") + quantities[product_id]
        )
    if quantities:
        # The counts before are not read: a product may have come back.
        _changed(set(quantities), availability_changed=True)


def _changed(product_ids: set[int], *, availability_changed: bool) -> None:
    stock_changed.send(
        sender=Product,
        product_ids=product_ids,
        availability_changed=availability_changed,
    )


def return_lines(lines: Iterable[OrderLine]) -> int:
    """Return the units of `lines` that are still held or sold, exactly once.

    Each line is switched to RETURNED by a conditional update first; only the
    lines this call switched give their units back. Returns how many units
    went back to stock.
    """
    with transaction.atomic():
        lines = list(lines)
        lock_products(line.product_id for line in lines if line.product_id)
        back: dict[int, int] = {}
        for line in sorted(lines, key=lambda line: line.pk):
            switched = OrderLine.objects.filter(
                pk=line.pk,
                stock_status__in=[
                    OrderLine.StockStatus.HELD,
                    OrderLine.StockStatus.SOLD,
                ],
            ).update(stock_status=OrderLine.StockStatus.RETURNED)
            line.stock_status = OrderLine.StockStatus.RETURNED
            if switched and line.product_id:
                back[line.product_id] = back.get(line.product_id, 0) + line.quantity
        put_back(back)
        return sum(back.values())


def sell_held_lines(lines: Iterable[OrderLine]) -> None:
    """Turn held units into sold ones (the order's payment arrived in time)."""
    OrderLine.objects.filter(
        pk__in=[line.pk for line in lines], stock_status=OrderLine.StockStatus.HELD
    ).update(stock_status=OrderLine.StockStatus.SOLD)


def retake_returned_lines(lines: Iterable[OrderLine]) -> None:
    """Take again the units of lines whose hold lapsed (a late payment).

    All or nothing: raises `InsufficientStock` if the units were sold to
    someone else meanwhile. On success the lines are SOLD.
    """
    lines = [line for line in lines if line.stock_status == "returned"]
    wanted: dict[int, int] = {}
    for line in lines:
        if line.product_id is None:
            raise InsufficientStock([Shortage(0, line.product_name, line.quantity, 0)])
        wanted[line.product_id] = wanted.get(line.product_id, 0) + line.quantity
    take(wanted)
    OrderLine.objects.filter(
        pk__in=[line.pk for line in lines],
        stock_status=OrderLine.StockStatus.RETURNED,
    ).update(stock_status=OrderLine.StockStatus.SOLD)
