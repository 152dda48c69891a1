"""The settlement ledger: sales, platform fee, cash collected, payouts, balance, CSV."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from market import fulfilment as fulfilment_actions
from market import ordering, settlement
from market.models import Fulfilment, LedgerEntry, PaymentMethod
from tests.market.factories import ProductFactory
from tests.market.orders import place
from tests.producers.factories import CooperativeFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tea():
    coop = CooperativeFactory(name="HTX Chè Thanh Chương", delivery_fee=30000)
    return ProductFactory(cooperative=coop, name="Chè búp", price=150000, stock=50)


def delivered(product, quantity, payment_method=PaymentMethod.BANK_TRANSFER):
    order = place([(product, quantity)], payment_method=payment_method)
    if payment_method != PaymentMethod.CASH_ON_DELIVERY:
        assert ordering.mark_paid(order, amount=order.total) == "paid"
    part = order.fulfilments.get()
    for name in ("confirm", "pack", "ship", "deliver"):
        getattr(fulfilment_actions, name)(Fulfilment.objects.get(pk=part.pk))
    part.refresh_from_db()
    return part


@pytest.mark.parametrize(
    "amount, percent, fee",
    [
        (10010, "5", 501),  # 500,5 rounds half up
        (10009, "5", 500),  # 500,45 rounds down
        (10030, "5", 502),  # 501,5: half up, not to even
        (330000, "5", 16500),
        (1234, "2.5", 31),  # 30,85
        (1220, "2.5", 31),  # 30,5
        (15, "3.3", 0),  # 0,495
        (999999, "0", 0),
        (333333, "12.75", 42500),  # 42499,9575
    ],
)
def test_platform_fee_is_rounded_half_up_to_whole_dong(amount, percent, fee):
    assert settlement.platform_fee(amount, Decimal(percent)) == fee


def test_fee_percent_comes_from_settings_and_bad_values_are_refused(settings):
    settings.MARKET_PLATFORM_FEE_PERCENT = "7,5"
    assert settlement.fee_percent() == Decimal("7.5")
    assert settlement.platform_fee(1000) == 75
    for bad in ("năm", "-1", "101", "NaN"):
        settings.MARKET_PLATFORM_FEE_PERCENT = bad
        with pytest.raises(ImproperlyConfigured):
            settlement.fee_percent()


def test_a_delivered_paid_part_earns_its_goods_and_delivery_less_the_fee(tea):
    part = delivered(tea, 2)

    entries = {
        e.kind: e.amount for e in LedgerEntry.objects.filter(fulfilment=part).all()
    }
    # 2 × 150.000 + 30.000 delivery = 330.000; 5 % = 16.500.
    assert entries == {"sale": 330000, "platform_fee": -16500}
    assert settlement.balance(tea.cooperative) == 313500
    sale = LedgerEntry.objects.get(fulfilment=part, kind="sale")
    assert sale.cooperative == tea.cooperative
    assert part.order.number in sale.description


def test_a_cash_part_leaves_the_cooperative_owing_the_fee(tea):
    part = delivered(tea, 1, PaymentMethod.CASH_ON_DELIVERY)

    entries = {e.kind: e.amount for e in LedgerEntry.objects.filter(fulfilment=part)}
    # 150.000 + 30.000 = 180.000; 5 % = 9.000; the cash is already in hand.
    assert entries == {
        "sale": 180000,
        "platform_fee": -9000,
        "cash_collected": -180000,
    }
    assert settlement.balance(tea.cooperative) == -9000


def test_booking_a_delivery_again_books_nothing_new(tea, settings):
    part = delivered(tea, 1)
    first = sorted(LedgerEntry.objects.values_list("pk", "amount"))

    settings.MARKET_PLATFORM_FEE_PERCENT = "10"  # a later change of the rate
    again = settlement.book_delivery(part)

    assert sorted(LedgerEntry.objects.values_list("pk", "amount")) == first
    assert sorted((e.pk, e.amount) for e in again) == first


def test_only_a_delivered_part_is_booked(tea):
    order = place([(tea, 1)])
    with pytest.raises(ValueError):
        settlement.book_delivery(order.fulfilments.get())
    assert not LedgerEntry.objects.exists()


def test_no_fee_entry_when_the_platform_takes_nothing(tea, settings):
    settings.MARKET_PLATFORM_FEE_PERCENT = "0"
    part = delivered(tea, 1)
    assert list(
        LedgerEntry.objects.filter(fulfilment=part).values_list("kind", flat=True)
    ) == ["sale"]


def test_balance_after_payouts(tea):
    delivered(tea, 2)  # 313.500 owed
    delivered(tea, 1)  # 180.000 - 9.000 = 171.000 owed
    staff = UserFactory()
    payout = settlement.record_payout(
        cooperative=tea.cooperative,
        amount=400000,
        paid_on=datetime.date(2026, 11, 30),
        reference="UNC-0001",
        user=staff,
    )

    assert payout.recorded_by == staff
    entry = LedgerEntry.objects.get(payout=payout)
    assert (entry.kind, entry.amount) == ("payout", -400000)
    assert "UNC-0001" in entry.description
    assert settlement.balance(tea.cooperative) == 313500 + 171000 - 400000
    # Booking the same payout again changes nothing.
    assert settlement.book_payout(payout) == entry
    assert settlement.balance(tea.cooperative) == 84500
    other = CooperativeFactory()
    assert settlement.balances([tea.cooperative, other]) == {tea.cooperative.pk: 84500}
    assert settlement.balance(other) == 0


def test_a_refund_of_delivered_goods_is_booked_once(tea):
    part = delivered(tea, 1)
    settlement.book_refund(part, 150000, reason="hàng dập")
    settlement.book_refund(part, 150000)
    assert LedgerEntry.objects.filter(kind="refund").get().amount == -150000
    assert settlement.balance(tea.cooperative) == 171000 - 150000

    undelivered = place([(tea, 1)]).fulfilments.get()
    with pytest.raises(ValueError):
        settlement.book_refund(undelivered, 1000)


def test_statement_shows_each_entry_with_the_balance_after_it(tea):
    part = delivered(tea, 2)
    settlement.record_payout(
        cooperative=tea.cooperative,
        amount=300000,
        paid_on=datetime.date(2026, 11, 30),
        reference="UNC-0002",
    )

    statement = settlement.statement(tea.cooperative)

    assert [(r.kind, r.amount, r.balance) for r in statement.rows] == [
        ("sale", 330000, 330000),
        ("platform_fee", -16500, 313500),
        ("payout", -300000, 13500),
    ]
    assert statement.rows[0].order_number == part.order.number
    assert statement.rows[2].order_number == ""
    assert statement.opening_balance == 0
    assert statement.closing_balance == 13500
    assert statement.total("sale") == 330000


def test_statement_of_a_period_starts_from_the_balance_before_it(tea):
    delivered(tea, 1)  # +171.000, booked "today"
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    LedgerEntry.objects.update(created_at=timezone.now() - datetime.timedelta(days=1))
    settlement.record_payout(
        cooperative=tea.cooperative,
        amount=100000,
        paid_on=timezone.localdate(),
        reference="UNC-0003",
    )

    today = settlement.statement(tea.cooperative, date_from=timezone.localdate())
    assert today.opening_balance == 171000
    assert [(r.kind, r.balance) for r in today.rows] == [("payout", 71000)]

    before = settlement.statement(tea.cooperative, date_to=yesterday)
    assert [r.kind for r in before.rows] == ["sale", "platform_fee"]
    assert before.closing_balance == 171000


def test_csv_opens_in_excel_with_vietnamese_headings_and_integer_amounts(tea):
    part = delivered(tea, 2)
    settlement.record_payout(
        cooperative=tea.cooperative,
        amount=300000,
        paid_on=datetime.date(2026, 11, 30),
        reference="=HYPERLINK(1)",
    )

    text = settlement.statement_csv(settlement.statement(tea.cooperative))

    assert text.startswith("\ufeff")
    assert text.encode("utf-8").startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0] == [
        "Thời gian",
        "Loại",
        "Mã đơn hàng",
        "Diễn giải",
        "Số tiền (đồng)",
        "Số dư (đồng)",
    ]
    assert [row[1:3] + row[4:] for row in rows[1:]] == [
        ["Doanh thu", part.order.number, "330000", "330000"],
        ["Phí sàn", part.order.number, "-16500", "313500"],
        ["Chi trả", "", "-300000", "13500"],
    ]
    assert rows[3][3] == "Chi trả, chứng từ =HYPERLINK(1)"
