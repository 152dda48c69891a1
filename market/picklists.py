"""Pick and pack lists: what a cooperative takes off the shelf and puts in each box.

A pick list adds up the selected fulfilments by product (total, per lot code,
which orders), so one walk through the store collects everything; a pack list
gives each fulfilment its slip (buyer, phone, how it leaves, lines with lot
codes, note, cash to collect). Both are grouped per cooperative: district staff
may print several cooperatives' lists at once, each on its own pages.

Only fulfilments whose goods the cooperative still holds (`Fulfilment.OPEN`)
are offered. The selection is resolved here, not in the view, so the HTML page
and the PDF refuse the same ids the same way: an id outside the user's
cooperatives is "not found", one in scope but cancelled or unpaid is "closed".
The whole list costs two queries, however many fulfilments it holds.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict

from django.db.models import Prefetch
from django.utils import timezone

from producers.models import Cooperative
from producers.permissions import scope_queryset

from .models import DeliveryMethod, Fulfilment, OrderLine

# More than a day's packing would make an unreadable list (and a huge query).
MAX_SELECTED = 200


class SelectionError(Exception):
    """The ids asked for cannot make a list; `numbers` names the refused orders."""

    def __init__(self, code: str, numbers: tuple[str, ...] = ()):
        self.code = code
        self.numbers = numbers
        super().__init__(code)


class NotFound(SelectionError):
    """An id is malformed or names a fulfilment outside the user's cooperatives."""

    def __init__(self):
        super().__init__("not_found")


@dataclasses.dataclass
class LotQuantity:
    code: str  # "" when the line was sold without a lot
    quantity: int


@dataclasses.dataclass
class PickItem:
    """One product to take from the store, summed over the selected orders."""

    name: str
    unit: str
    quantity: int = 0
    lots: list[LotQuantity] = dataclasses.field(default_factory=list)
    orders: list[str] = dataclasses.field(default_factory=list)

    def add(self, line: OrderLine, number: str) -> None:
        self.quantity += line.quantity
        for lot in self.lots:
            if lot.code == line.lot_code:
                lot.quantity += line.quantity
                break
        else:
            self.lots.append(LotQuantity(line.lot_code, line.quantity))
        if number not in self.orders:
            self.orders.append(number)


@dataclasses.dataclass
class PackSlip:
    """What goes in and on one fulfilment's box."""

    fulfilment: Fulfilment
    lines: list[OrderLine]
    # Where it goes; None: the buyer collects it at the cooperative.
    address: str | None
    # Cash the person handing it over collects (0: paid already).
    cash_to_collect: int

    @property
    def order(self):
        return self.fulfilment.order


@dataclasses.dataclass
class CooperativeList:
    """One cooperative's pick list and pack slips."""

    cooperative: Cooperative
    items: list[PickItem]
    slips: list[PackSlip]

    @property
    def total_units(self) -> int:
        return sum(item.quantity for item in self.items)


@dataclasses.dataclass
class PickList:
    sections: list[CooperativeList]
    made_at: object  # aware datetime

    @property
    def fulfilment_count(self) -> int:
        return sum(len(section.slips) for section in self.sections)


def pickable(user):
    """The fulfilments `user` may put on a list: open ones of their cooperatives."""
    return scope_queryset(
        user, Fulfilment.objects.filter(status__in=Fulfilment.OPEN)
    ).select_related("order", "cooperative")


def parse_ids(values) -> list[int]:
    """The distinct fulfilment ids in `values` (query-string strings), in order.

    Raises `NotFound` for anything that is not a positive integer, and
    `SelectionError("none")`/`("too_many")` for an empty or oversized list.
    """
    ids: list[int] = []
    for value in values:
        if not value.isdigit() or not 0 < int(value) < 2**63:
            raise NotFound
        if int(value) not in ids:
            ids.append(int(value))
    if not ids:
        raise SelectionError("none")
    if len(ids) > MAX_SELECTED:
        raise SelectionError("too_many")
    return ids


def build(user, ids: list[int]) -> PickList:
    """The pick and pack lists for fulfilments `ids`, as `user` may see them.

    Every id must be one of the user's cooperatives' fulfilments (else
    `NotFound`: nothing is silently dropped) and still open (else
    `SelectionError("closed")` naming the orders).
    """
    lines = OrderLine.objects.filter(stock_status=OrderLine.StockStatus.SOLD).order_by(
        "product_name", "pk"
    )
    fulfilments = list(
        scope_queryset(user, Fulfilment.objects.filter(pk__in=ids))
        .select_related("order", "cooperative")
        .prefetch_related(Prefetch("lines", queryset=lines))
        .order_by("cooperative__name", "cooperative_id", "order__number")
    )
    if len(fulfilments) != len(ids):
        raise NotFound
    closed = tuple(f.order.number for f in fulfilments if f.status not in f.OPEN)
    if closed:
        raise SelectionError("closed", closed)
    by_cooperative: dict[int, list[Fulfilment]] = defaultdict(list)
    for fulfilment in fulfilments:
        by_cooperative[fulfilment.cooperative_id].append(fulfilment)
    return PickList(
        sections=[_section(group) for group in by_cooperative.values()],
        made_at=timezone.localtime(),
    )


def _section(fulfilments: list[Fulfilment]) -> CooperativeList:
    items: dict[tuple, PickItem] = {}
    slips = []
    for fulfilment in fulfilments:
        lines = list(fulfilment.lines.all())
        for line in lines:
            # A product deleted since keeps its name and unit on the line.
            key = (line.product_id or line.product_name, line.unit)
            item = items.setdefault(
                key, PickItem(name=line.product_name, unit=line.get_unit_display())
            )
            item.add(line, fulfilment.order.number)
        slips.append(
            PackSlip(
                fulfilment=fulfilment,
                lines=lines,
                address=(
                    None
                    if fulfilment.delivery_method == DeliveryMethod.PICKUP
                    else fulfilment.order.address
                ),
                cash_to_collect=fulfilment.cash_to_collect,
            )
        )
    for item in items.values():
        item.lots.sort(key=lambda lot: lot.code)
    return CooperativeList(
        cooperative=fulfilments[0].cooperative,
        items=sorted(items.values(), key=lambda item: (item.name, item.unit)),
        slips=slips,
    )
