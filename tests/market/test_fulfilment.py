"""A cooperative moves its part of an order on: every transition and what it entails."""

import threading

import pytest
from django.core import mail
from django.db import close_old_connections, connection

from market import fulfilment as fulfilment_actions
from market import ordering
from market.fulfilment import (
    ACTIONS,
    TransitionNotAllowed,
    TransitionPermissionDenied,
    available_actions,
)
from market.models import (
    Fulfilment,
    LedgerEntry,
    Order,
    OrderEvent,
    OrderLine,
    PaymentMethod,
    Product,
)
from producers.roles import add_member, make_district_staff
from tests.market.factories import ProductFactory
from tests.market.orders import place
from tests.producers.factories import CooperativeFactory, UserFactory

pytestmark = pytest.mark.django_db

Status = Fulfilment.Status

# The action that leads to each status, and every status an action may start from.
ACTION_FOR = {
    Status.CONFIRMED: "confirm",
    Status.PACKED: "pack",
    Status.SHIPPED: "ship",
    Status.DELIVERED: "deliver",
    Status.CANCELLED: "cancel",
}


@pytest.fixture
def tea():
    coop = CooperativeFactory(name="HTX Chè Thanh Chương", email="che@example.vn")
    return ProductFactory(cooperative=coop, name="Chè búp", price=150000, stock=10)


@pytest.fixture
def orange():
    coop = CooperativeFactory(name="HTX Cam Vinh", email="cam@example.vn")
    return ProductFactory(cooperative=coop, name="Cam Vinh", price=45000, stock=50)


def _part(order, product) -> Fulfilment:
    return order.fulfilments.get(cooperative=product.cooperative)


def _stock(product) -> int:
    return Product.objects.values_list("stock", flat=True).get(pk=product.pk)


def _run(fulfilment, name, **kwargs):
    return getattr(fulfilment_actions, name)(fulfilment, **kwargs)


def test_a_cash_order_goes_from_new_to_delivered_with_an_audit_record_per_step(
    tea, django_capture_on_commit_callbacks
):
    order = place([(tea, 2)])
    part = _part(order, tea)
    editor = UserFactory()
    add_member(editor, tea.cooperative)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        fulfilment_actions.confirm(part, user=editor)
        fulfilment_actions.pack(part, user=editor)
        fulfilment_actions.ship(part, user=editor, tracking_note="Viettel Post VT123")
        fulfilment_actions.deliver(part, user=editor)

    part.refresh_from_db()
    assert part.status == Status.DELIVERED
    assert part.tracking_note == "Viettel Post VT123"
    events = list(
        OrderEvent.objects.filter(fulfilment=part).values_list(
            "action", "from_status", "to_status", "user"
        )
    )
    assert events == [
        ("confirm", "new", "confirmed", editor.pk),
        ("pack", "confirmed", "packed", editor.pk),
        ("ship", "packed", "shipped", editor.pk),
        ("deliver", "shipped", "delivered", editor.pk),
    ]
    # One e-mail to the buyer per step, the shipping one with the tracking note.
    assert [m.to for m in mail.outbox] == [["lan@example.com"]] * 4
    assert "Viettel Post VT123" in mail.outbox[2].body


@pytest.mark.parametrize("start", [s for s in Status if s != Status.AWAITING_PAYMENT])
@pytest.mark.parametrize("name", list(ACTIONS))
def test_every_move_outside_the_flow_is_refused_and_every_move_in_it_is_made(
    tea, start, name
):
    order = place([(tea, 1)])
    part = _part(order, tea)
    Fulfilment.objects.filter(pk=part.pk).update(status=start)
    part.refresh_from_db()
    target = ACTIONS[name].target
    events_before = OrderEvent.objects.count()

    if target in Fulfilment.FLOW[start]:
        _run(part, name)
        part.refresh_from_db()
        assert part.status == target
        assert OrderEvent.objects.filter(fulfilment=part, action=name).count() == 1
    else:
        with pytest.raises(TransitionNotAllowed) as refused:
            _run(part, name)
        assert refused.value.code == ("already" if start == target else "illegal")
        part.refresh_from_db()
        assert part.status == start
        assert OrderEvent.objects.count() == events_before


@pytest.mark.parametrize("name", list(ACTIONS))
def test_a_part_waiting_for_payment_is_shown_but_cannot_be_moved(tea, name):
    order = place([(tea, 1)], payment_method=PaymentMethod.BANK_TRANSFER)
    part = _part(order, tea)
    assert part.status == Status.AWAITING_PAYMENT

    with pytest.raises(TransitionNotAllowed) as refused:
        _run(part, name)
    assert refused.value.code == "awaiting_payment"
    part.refresh_from_db()
    assert part.status == Status.AWAITING_PAYMENT
    assert _stock(tea) == 9  # still held for the buyer


def test_parts_of_an_order_that_ended_cannot_be_moved(tea):
    order = place([(tea, 1)])
    part = _part(order, tea)
    Order.objects.filter(pk=order.pk).update(status=Order.Status.CANCELLED)

    with pytest.raises(TransitionNotAllowed) as refused:
        fulfilment_actions.confirm(part)
    assert refused.value.code == "order_closed"


def test_a_second_click_on_the_same_button_changes_nothing_and_sends_nothing(
    tea, django_capture_on_commit_callbacks
):
    order = place([(tea, 1)])
    part = _part(order, tea)
    stale = Fulfilment.objects.get(pk=part.pk)  # the page the second click came from
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        fulfilment_actions.confirm(part)
        with pytest.raises(TransitionNotAllowed) as refused:
            fulfilment_actions.confirm(stale)

    assert refused.value.code == "already"
    assert OrderEvent.objects.filter(fulfilment=part, action="confirm").count() == 1
    assert len(mail.outbox) == 1


def test_cancelling_returns_the_units_once_even_when_cancelled_twice(
    tea, orange, django_capture_on_commit_callbacks
):
    order = place([(tea, 3), (orange, 5)])
    part = _part(order, tea)
    assert _stock(tea) == 7
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        fulfilment_actions.cancel(part, reason="Hết hàng do mưa bão")
    with pytest.raises(TransitionNotAllowed):
        fulfilment_actions.cancel(Fulfilment.objects.get(pk=part.pk))

    assert _stock(tea) == 10
    assert _stock(orange) == 45  # the other cooperative's part is untouched
    assert set(
        OrderLine.objects.filter(fulfilment=part).values_list("stock_status", flat=True)
    ) == {OrderLine.StockStatus.RETURNED}
    order.refresh_from_db()
    assert order.status == Order.Status.PLACED  # the oranges are still coming
    assert [m.to for m in mail.outbox] == [["lan@example.com"]]
    assert "Hết hàng do mưa bão" in mail.outbox[0].body


def test_cancelling_every_part_cancels_the_order(tea, orange):
    order = place([(tea, 1), (orange, 1)])
    fulfilment_actions.cancel(_part(order, tea))
    fulfilment_actions.cancel(_part(order, orange))

    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert order.payment_status == Order.PaymentStatus.UNPAID
    assert list(
        order.events.filter(fulfilment=None)
        .exclude(action="placed")
        .values_list("action", "to_status")
    ) == [("cancelled", "cancelled")]
    assert not LedgerEntry.objects.exists()


def _deliver(part, user=None):
    for name in ("confirm", "pack", "ship", "deliver"):
        _run(Fulfilment.objects.get(pk=part.pk), name, user=user)
    part.refresh_from_db()
    return part


def test_cash_on_delivery_is_paid_once_every_remaining_part_is_delivered(tea, orange):
    order = place([(tea, 1), (orange, 2)])

    tea_part = _deliver(_part(order, tea))
    order.refresh_from_db()
    assert tea_part.cash_collected_at is not None
    assert order.payment_status == Order.PaymentStatus.UNPAID
    assert order.status == Order.Status.PLACED

    orange_part = _deliver(_part(order, orange))
    order.refresh_from_db()
    assert orange_part.cash_collected_at is not None
    assert order.payment_status == Order.PaymentStatus.PAID
    assert order.paid_at is not None
    assert order.status == Order.Status.COMPLETED
    assert list(
        order.events.filter(fulfilment=None)
        .exclude(action="placed")
        .values_list("action", flat=True)
    ) == ["cash_paid", "completed"]


def test_cash_order_with_one_part_delivered_and_the_other_cancelled_is_paid_and_done(
    tea, orange
):
    order = place([(tea, 1), (orange, 2)])
    _deliver(_part(order, tea))
    fulfilment_actions.cancel(_part(order, orange))

    order.refresh_from_db()
    assert order.payment_status == Order.PaymentStatus.PAID
    assert order.status == Order.Status.COMPLETED


def test_a_paid_order_is_completed_when_its_last_part_is_delivered(tea, orange):
    order = place([(tea, 1), (orange, 1)], payment_method=PaymentMethod.BANK_TRANSFER)
    assert ordering.mark_paid(order, amount=order.total, source="bank") == "paid"
    _deliver(_part(order, tea))
    fulfilment_actions.cancel(_part(order, orange))

    order.refresh_from_db()
    assert order.status == Order.Status.COMPLETED
    tea_part = _part(order, tea)
    assert tea_part.cash_collected_at is None  # not a cash order


def test_cancelling_a_part_paid_by_bank_transfer_asks_staff_to_refund_it(
    tea, orange, settings, django_capture_on_commit_callbacks
):
    settings.MARKET_STAFF_EMAIL = "huyen@example.vn"
    order = place([(tea, 2), (orange, 1)], payment_method=PaymentMethod.BANK_TRANSFER)
    ordering.mark_paid(order, amount=order.total, source="bank")
    part = _part(order, tea)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        fulfilment_actions.cancel(part)

    order.refresh_from_db()
    assert order.needs_attention
    # Two kilos of tea and their delivery.
    assert "330.000 ₫" in order.attention_reason
    assert sorted(address for m in mail.outbox for address in m.to) == [
        "huyen@example.vn",
        "lan@example.com",
    ]


def test_delivery_books_the_sale_and_the_fee_once(tea):
    order = place([(tea, 2)])
    part = _deliver(_part(order, tea))

    kinds = dict(
        LedgerEntry.objects.filter(fulfilment=part).values_list("kind", "amount")
    )
    # 2 × 150.000 ₫ + 30.000 ₫ delivery; 5 % of 330.000 ₫.
    assert kinds == {"sale": 330000, "platform_fee": -16500, "cash_collected": -330000}


def test_an_editor_moves_only_their_own_cooperatives_parts(tea, orange):
    order = place([(tea, 1), (orange, 1)])
    editor = UserFactory()
    add_member(editor, tea.cooperative)
    outsider = UserFactory()
    staff = UserFactory()
    make_district_staff(staff)

    ACTIONS["confirm"](_part(order, tea), user=editor).execute()
    with pytest.raises(TransitionPermissionDenied):
        ACTIONS["confirm"](_part(order, orange), user=editor).execute()
    with pytest.raises(TransitionPermissionDenied):
        ACTIONS["pack"](_part(order, tea), user=outsider).execute()
    ACTIONS["confirm"](_part(order, orange), user=staff).execute()

    assert set(order.fulfilments.values_list("status", flat=True)) == {Status.CONFIRMED}


def test_the_admin_offers_only_the_moves_allowed_now(tea):
    order = place([(tea, 1)])
    part = _part(order, tea)
    editor = UserFactory()
    add_member(editor, tea.cooperative)

    def offered():
        return [a.name for a in available_actions(part, editor)]

    assert offered() == ["confirm", "cancel"]
    fulfilment_actions.confirm(part)
    fulfilment_actions.pack(part)
    assert offered() == ["ship", "cancel"]
    fulfilment_actions.ship(part)
    assert offered() == ["deliver"]
    assert available_actions(part, UserFactory()) == []


@pytest.fixture
def concurrent(committed_db):
    """Each thread its own connection, on a database that commits.

    PostgreSQL serialises the threads with row locks; SQLite with its write
    lock taken when each transaction begins (see cms/settings/base.py).
    """


@pytest.mark.django_db(transaction=True)
def test_two_people_cancelling_at_once_return_the_units_once(concurrent, tea):
    order = place([(tea, 4)])
    part_id = _part(order, tea).pk
    assert _stock(tea) == 6
    outcomes = []
    start = threading.Barrier(4)

    def cancel():
        try:
            start.wait()
            fulfilment_actions.cancel(Fulfilment.objects.get(pk=part_id))
            outcomes.append("cancelled")
        except TransitionNotAllowed as refused:
            outcomes.append(refused.code)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=cancel) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["already", "already", "already", "cancelled"]
    assert _stock(tea) == 10
    assert OrderEvent.objects.filter(action="cancel").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_deliveries_at_once_book_the_sale_once(concurrent, tea):
    order = place([(tea, 1)])
    part = _part(order, tea)
    for name in ("confirm", "pack", "ship"):
        _run(Fulfilment.objects.get(pk=part.pk), name)
    outcomes = []
    start = threading.Barrier(3)

    def deliver():
        try:
            start.wait()
            fulfilment_actions.deliver(Fulfilment.objects.get(pk=part.pk))
            outcomes.append("delivered")
        except TransitionNotAllowed as refused:
            outcomes.append(refused.code)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["already", "already", "delivered"]
    assert LedgerEntry.objects.filter(fulfilment=part, kind="sale").count() == 1
    order.refresh_from_db()
    assert order.status == Order.Status.COMPLETED


# -- card payments: a cancelled part is refunded by Stripe -------------------------


@pytest.fixture
def paid_by_card(tea, orange, fake_stripe):
    from market.payments import stripe as stripe_payments

    order = place([(tea, 2), (orange, 1)], payment_method=PaymentMethod.CARD)
    payment = stripe_payments.start_checkout(
        order, success_url="http://testserver/ok/", cancel_url="http://testserver/no/"
    )
    fake_stripe.pay(payment.stripe_session_id, deliver=False)
    assert (
        ordering.mark_paid(order, amount=order.total, payment=payment, source="test")
        == "paid"
    )
    payment.refresh_from_db()
    return order, payment


def test_cancelling_a_card_paid_part_refunds_that_part_once_after_commit(
    tea, paid_by_card, fake_stripe, django_capture_on_commit_callbacks
):
    order, payment = paid_by_card
    part = _part(order, tea)

    with django_capture_on_commit_callbacks(execute=False) as pending:
        fulfilment_actions.cancel(part, reason="Mất mùa")
    assert fake_stripe.calls("POST", "/v1/refunds") == []  # not before commit
    for callback in pending:
        callback()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(TransitionNotAllowed),
    ):
        fulfilment_actions.cancel(Fulfilment.objects.get(pk=part.pk))

    [refund] = fake_stripe.calls("POST", "/v1/refunds")
    assert refund.params["amount"] == str(part.total)  # 2 × 150.000 + 30.000
    assert part.total == 330000
    assert refund.idempotency_key == (
        f"{payment.idempotency_key}-refund-fulfilment-{part.pk}"
    )
    order.refresh_from_db()
    assert not order.needs_attention
    assert order.status == Order.Status.PLACED
    assert order.events.filter(action="refund_requested").count() == 1


def test_a_refund_stripe_refuses_flags_the_order_for_a_person(
    tea, paid_by_card, settings, django_capture_on_commit_callbacks
):
    order, _payment = paid_by_card
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # Stripe unreachable
    settings.MARKET_STAFF_EMAIL = "huyen@example.vn"
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        fulfilment_actions.cancel(_part(order, tea))

    order.refresh_from_db()
    assert order.needs_attention
    assert "330.000 ₫" in order.attention_reason
    assert order.events.filter(action="refund_failed").count() == 1
    assert "huyen@example.vn" in [a for m in mail.outbox for a in m.to]
    # The part stays cancelled and its units back on sale.
    assert _part(order, tea).status == Status.CANCELLED
    assert _stock(tea) == 10
