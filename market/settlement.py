"""The settlement ledger: what each cooperative earned, owes and was paid.

Every movement is a `LedgerEntry` with a signed amount in dong: positive is
owed to the cooperative, negative reduces what it is owed, and the balance is
their sum. A delivered fulfilment books its sale, the platform fee and, for
cash on delivery, the cash the cooperative already collected; district staff
record payouts; a refund of delivered goods reduces the sale. Each fact about
a fulfilment is booked once (a unique constraint on fulfilment and kind), so a
retried transition cannot book it twice.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext

from producers.models import Cooperative

from . import spreadsheets
from .models import Fulfilment, LedgerEntry, PaymentMethod, Payout
from .money import format_vnd

# Excel reads a CSV file as UTF-8 (and shows Vietnamese correctly) only when
# the file starts with a byte order mark.


def fee_percent() -> Decimal:
    """The platform's cut in percent, from settings.MARKET_PLATFORM_FEE_PERCENT."""
    raw = settings.MARKET_PLATFORM_FEE_PERCENT
    try:
        percent = Decimal(str(raw).strip().replace(",", "."))
    except InvalidOperation:
        raise ImproperlyConfigured(
            f"MARKET_PLATFORM_FEE_PERCENT must be a number, not {raw!r}"
        ) from None
    if not percent.is_finite() or not 0 <= percent <= 100:
        raise ImproperlyConfigured(
            f"MARKET_PLATFORM_FEE_PERCENT must be between 0 and 100, not {raw!r}"
        )
    return percent


def platform_fee(amount: int, percent: Decimal | None = None) -> int:
    """The platform fee on a sale of `amount` dong, rounded half up to whole dong."""
    percent = fee_percent() if percent is None else Decimal(percent)
    fee = (Decimal(int(amount)) * percent / Decimal(100)).quantize(
        Decimal(1), rounding=ROUND_HALF_UP
    )
    return int(fee)


def _in_site_language(build):
    # Descriptions are stored text: written in the site's language whoever acts.
    with translation.override(settings.LANGUAGE_CODE):
        return str(build())


def _book(fulfilment: Fulfilment, kind: str, amount: int, description) -> LedgerEntry:
    entry, _created = LedgerEntry.objects.get_or_create(
        fulfilment=fulfilment,
        kind=kind,
        defaults={
            "cooperative_id": fulfilment.cooperative_id,
            "amount": amount,
            "description": _in_site_language(description)[:255],
        },
    )
    return entry


def book_delivery(fulfilment: Fulfilment) -> list[LedgerEntry]:
    """Book what a delivered fulfilment earned; repeating it books nothing new."""
    if fulfilment.status != Fulfilment.Status.DELIVERED:
        raise ValueError("only a delivered fulfilment is booked")
    order = fulfilment.order
    number = order.number
    sale = fulfilment.total
    entries = []
    with transaction.atomic():
        entries.append(
            _book(
                fulfilment,
                LedgerEntry.Kind.SALE,
                sale,
                lambda: (
                    gettext("Đơn %(number)s: tiền hàng %(goods)s, phí giao %(fee)s")
                    % {
                        "number": number,
                        "goods": format_vnd(fulfilment.goods_total),
                        "fee": format_vnd(fulfilment.delivery_fee),
                    }
                ),
            )
        )
        percent = fee_percent()
        fee = platform_fee(sale, percent)
        if fee:
            entries.append(
                _book(
                    fulfilment,
                    LedgerEntry.Kind.PLATFORM_FEE,
                    -fee,
                    lambda: (
                        gettext("Đơn %(number)s: phí sàn %(percent)s%%")
                        % {"number": number, "percent": _percent_text(percent)}
                    ),
                )
            )
        if order.payment_method == PaymentMethod.CASH_ON_DELIVERY:
            entries.append(
                _book(
                    fulfilment,
                    LedgerEntry.Kind.CASH_COLLECTED,
                    -sale,
                    lambda: (
                        gettext(
                            "Đơn %(number)s: hợp tác xã đã thu tiền mặt của người mua"
                        )
                        % {"number": number}
                    ),
                )
            )
    return entries


def _percent_text(percent: Decimal) -> str:
    text = format(percent.normalize(), "f")
    return text.replace(".", ",") if translation.get_language() == "vi" else text


def book_refund(
    fulfilment: Fulfilment, amount: int, *, reason: str = ""
) -> LedgerEntry:
    """Book money refunded to the buyer for goods already delivered (once)."""
    amount = int(amount)
    if amount <= 0:
        raise ValueError("a refund is a positive amount")
    if not LedgerEntry.objects.filter(
        fulfilment=fulfilment, kind=LedgerEntry.Kind.SALE
    ).exists():
        raise ValueError("only a booked sale can be refunded")
    number = fulfilment.order.number
    return _book(
        fulfilment,
        LedgerEntry.Kind.REFUND,
        -amount,
        lambda: (
            (gettext("Đơn %(number)s: hoàn tiền cho người mua") % {"number": number})
            + (f" ({reason})" if reason else "")
        ),
    )


def record_payout(
    *,
    cooperative: Cooperative,
    amount: int,
    paid_on: date,
    reference: str,
    note: str = "",
    user=None,
) -> Payout:
    """Record money the district paid to a cooperative, and book it."""
    with transaction.atomic():
        payout = Payout.objects.create(
            cooperative=cooperative,
            amount=amount,
            paid_on=paid_on,
            reference=reference,
            note=note,
            recorded_by=user if user is not None and user.is_authenticated else None,
        )
        book_payout(payout)
    return payout


def book_payout(payout: Payout) -> LedgerEntry:
    """The ledger entry of a payout (created once)."""
    entry, _created = LedgerEntry.objects.get_or_create(
        payout=payout,
        defaults={
            "cooperative_id": payout.cooperative_id,
            "kind": LedgerEntry.Kind.PAYOUT,
            "amount": -int(payout.amount),
            "description": _in_site_language(
                lambda: (
                    gettext("Chi trả, chứng từ %(reference)s")
                    % {"reference": payout.reference}
                )
            )[:255],
        },
    )
    return entry


def balance(cooperative: Cooperative, *, until: datetime | None = None) -> int:
    """What the marketplace owes `cooperative` (negative: what it owes the market)."""
    entries = LedgerEntry.objects.filter(cooperative=cooperative)
    if until is not None:
        entries = entries.filter(created_at__lt=until)
    return entries.aggregate(total=Sum("amount"))["total"] or 0


def balances(cooperatives) -> dict[int, int]:
    """Balances of several cooperatives in one query, by cooperative id."""
    rows = (
        LedgerEntry.objects.filter(cooperative__in=cooperatives)
        .values("cooperative_id")
        .annotate(total=Sum("amount"))
    )
    return {row["cooperative_id"]: row["total"] or 0 for row in rows}


@dataclass(frozen=True)
class StatementRow:
    entry: LedgerEntry
    balance: int

    @property
    def created_at(self) -> datetime:
        return self.entry.created_at

    @property
    def kind(self) -> str:
        return self.entry.kind

    @property
    def kind_label(self) -> str:
        return self.entry.get_kind_display()

    @property
    def order_number(self) -> str:
        fulfilment = self.entry.fulfilment
        return fulfilment.order.number if fulfilment is not None else ""

    @property
    def description(self) -> str:
        return self.entry.description

    @property
    def amount(self) -> int:
        return self.entry.amount


@dataclass(frozen=True)
class Statement:
    """A cooperative's entries over a period, each with the balance after it."""

    cooperative: Cooperative
    date_from: date | None
    date_to: date | None
    opening_balance: int
    rows: list[StatementRow]

    @property
    def closing_balance(self) -> int:
        return self.rows[-1].balance if self.rows else self.opening_balance

    def total(self, kind: str) -> int:
        return sum(row.amount for row in self.rows if row.kind == kind)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def statement(
    cooperative: Cooperative,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
) -> Statement:
    """The entries of `cooperative` from `date_from` to `date_to` (days included)."""
    entries = LedgerEntry.objects.filter(cooperative=cooperative).select_related(
        "fulfilment__order"
    )
    opening = 0
    if date_from is not None:
        start = _day_start(date_from)
        opening = balance(cooperative, until=start)
        entries = entries.filter(created_at__gte=start)
    if date_to is not None:
        entries = entries.filter(created_at__lt=_day_start(date_to) + timedelta(days=1))
    running = opening
    rows = []
    for entry in entries.order_by("created_at", "pk"):
        running += entry.amount
        rows.append(StatementRow(entry=entry, balance=running))
    return Statement(
        cooperative=cooperative,
        date_from=date_from,
        date_to=date_to,
        opening_balance=opening,
        rows=rows,
    )


def statement_csv(statement: Statement) -> str:
    """The statement as CSV text for Excel: BOM, headings, integer amounts."""
    out = io.StringIO()
    out.write(spreadsheets.CSV_BOM)
    writer = csv.writer(out)
    writer.writerow(
        [
            gettext("Thời gian"),
            gettext("Loại"),
            gettext("Mã đơn hàng"),
            gettext("Diễn giải"),
            gettext("Số tiền (đồng)"),
            gettext("Số dư (đồng)"),
        ]
    )
    if statement.date_from is not None:
        writer.writerow(
            [
                statement.date_from.isoformat(),
                "",
                "",
                gettext("Số dư đầu kỳ"),
                "",
                statement.opening_balance,
            ]
        )
    for row in statement.rows:
        writer.writerow(
            [
                timezone.localtime(row.created_at).strftime("%Y-%m-%d %H:%M"),
                row.kind_label,
                row.order_number,
                spreadsheets.text_cell(row.description),
                row.amount,
                row.balance,
            ]
        )
    return out.getvalue()
