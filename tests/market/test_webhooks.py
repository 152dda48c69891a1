"""Stripe's webhook: verified, stored once, handled once, never backwards.

Events come from the local fake Stripe (tests/fake_stripe.py), signed with
Stripe's scheme, and go through the site's URL like Stripe's deliveries.
"""

import threading
import time
from datetime import timedelta

import pytest
import requests
from django.core import mail
from django.db import connection
from django.test import Client

from market import ordering
from market.models import (
    Fulfilment,
    Order,
    OrderLine,
    Payment,
    PaymentMethod,
    Product,
    StripeEvent,
)
from market.payments import stripe as stripe_payments
from tests.fake_stripe import encode, event, sign
from tests.market.orders import place
from tests.market.stripe_orders import (
    buyer_mails,
    card_order,
    deliver_until_accepted,
    outcome,
    post_event,
    start,
    stored_events,
    tea_and_oranges,
    webhook_url,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def products():
    return tea_and_oranges()


@pytest.fixture
def checkout(products, fake_stripe):
    """A card order of 2 kg tea and 4 kg oranges with its Stripe session open."""
    order = card_order(*products)
    return order, start(order)


def stock_of(product) -> int:
    return Product.objects.values_list("stock", flat=True).get(pk=product.pk)


def line_states(order) -> set[str]:
    return set(
        OrderLine.objects.filter(fulfilment__order=order).values_list(
            "stock_status", flat=True
        )
    )


def assert_paid_once(order, payment, products):
    tea, orange = products
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == Order.Status.PLACED
    assert order.payment_status == Order.PaymentStatus.PAID
    assert order.paid_at is not None
    assert payment.status == Payment.Status.SUCCEEDED
    assert order.payments.count() == 1
    assert line_states(order) == {OrderLine.StockStatus.SOLD}
    assert (stock_of(tea), stock_of(orange)) == (8, 46)
    assert set(order.fulfilments.values_list("status", flat=True)) == {
        Fulfilment.Status.NEW
    }
    assert len(buyer_mails()) == 1


# -- a payment ------------------------------------------------------------------


def test_a_paid_checkout_makes_the_order_paid_and_mails_the_buyer_and_cooperatives(
    checkout, products, fake_stripe, client, django_capture_on_commit_callbacks
):
    order, payment = checkout
    paid = fake_stripe.pay(payment.stripe_session_id, deliver=False)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_event(client, paid)

    assert response.status_code == 200
    assert outcome(response) == "paid"
    assert_paid_once(order, payment, products)
    payment.refresh_from_db()
    session = fake_stripe.sessions[payment.stripe_session_id]
    assert payment.stripe_payment_intent_id == session["payment_intent"]
    recipients = sorted(address for m in mail.outbox for address in m.to)
    assert recipients == ["cam@example.vn", "che@example.vn", "lan@example.com"]
    stored = StripeEvent.objects.get()
    assert (stored.event_id, stored.type, stored.outcome) == (
        paid["id"],
        "checkout.session.completed",
        "paid",
    )
    assert stored.processed_at is not None
    assert stored.payload["data"]["object"]["id"] == payment.stripe_session_id
    assert order.events.filter(action="paid").count() == 1


def test_the_same_event_delivered_five_times_pays_once_and_mails_once(
    checkout, products, fake_stripe, client, django_capture_on_commit_callbacks
):
    order, payment = checkout
    paid = fake_stripe.pay(payment.stripe_session_id, deliver=False)

    with django_capture_on_commit_callbacks(execute=True):
        responses = [post_event(client, paid) for _ in range(5)]

    assert [r.status_code for r in responses] == [200] * 5
    assert [outcome(r) for r in responses] == ["paid"] + ["duplicate"] * 4
    assert stored_events() == 1
    assert_paid_once(order, payment, products)


def test_completed_then_async_succeeded_for_the_same_payment_pays_once(
    checkout, products, fake_stripe, client, django_capture_on_commit_callbacks
):
    order, payment = checkout
    paid = fake_stripe.pay(payment.stripe_session_id, deliver=False)
    also_paid = fake_stripe.async_result(
        payment.stripe_session_id, succeeded=True, deliver=False
    )

    with django_capture_on_commit_callbacks(execute=True):
        first = post_event(client, paid)
        second = post_event(client, also_paid)

    assert (outcome(first), outcome(second)) == ("paid", "already_paid")
    assert stored_events() == 2
    assert_paid_once(order, payment, products)


def test_a_payment_whose_session_id_was_never_saved_is_found_by_its_metadata(
    checkout, products, fake_stripe, client, django_capture_on_commit_callbacks
):
    order, payment = checkout
    session_id = payment.stripe_session_id
    Payment.objects.filter(pk=payment.pk).update(stripe_session_id=None)
    paid = fake_stripe.pay(session_id, deliver=False)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_event(client, paid)

    assert outcome(response) == "paid"
    assert_paid_once(order, payment, products)
    assert payment.stripe_session_id == session_id


def test_handling_a_paid_event_takes_a_bounded_number_of_queries(
    checkout, fake_stripe, client, django_assert_max_num_queries
):
    order, payment = checkout
    paid = fake_stripe.pay(payment.stripe_session_id, deliver=False)

    with django_assert_max_num_queries(30):
        response = post_event(client, paid)

    assert outcome(response) == "paid"


# -- signatures -----------------------------------------------------------------


def _tampered(paid):
    changed = {**paid, "data": {"object": {**paid["data"]["object"]}}}
    changed["data"]["object"]["amount_total"] = 1000
    return {"payload": encode(changed), "header": sign(encode(paid), _secret())}


def _secret():
    from django.conf import settings

    return settings.STRIPE_WEBHOOK_SECRET


BAD_DELIVERIES = {
    "missing signature": lambda paid: {"header": ""},
    "wrong secret": lambda paid: {"secret": "whsec_someone_else"},
    "tampered payload": _tampered,
    "too old": lambda paid: {"timestamp": int(time.time()) - 400},
    "unparseable header": lambda paid: {"header": "t=yesterday,v1=zz"},
    "other scheme only": lambda paid: {
        "header": sign(encode(paid), _secret()).replace("v1=", "v0=")
    },
}


@pytest.mark.parametrize("case", BAD_DELIVERIES)
def test_an_event_without_a_valid_recent_signature_is_refused_and_changes_nothing(
    case, checkout, products, fake_stripe, client, django_capture_on_commit_callbacks
):
    order, payment = checkout
    paid = fake_stripe.pay(payment.stripe_session_id, deliver=False)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_event(client, paid, **BAD_DELIVERIES[case](paid))

    assert response.status_code == 400
    assert stored_events() == 0
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == Order.Status.AWAITING_PAYMENT
    assert order.payment_status == Order.PaymentStatus.UNPAID
    assert not order.needs_attention
    assert payment.status == Payment.Status.PENDING
    assert line_states(order) == {OrderLine.StockStatus.HELD}
    assert mail.outbox == []


def test_a_signature_four_minutes_old_is_still_accepted(checkout, fake_stripe, client):
    order, payment = checkout
    paid = fake_stripe.pay(payment.stripe_session_id, deliver=False)

    response = post_event(client, paid, timestamp=int(time.time()) - 240)

    assert response.status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[1, 2]",
        '{"object": "event"}',
        '{"id": "evt_1"}',
        '{"object": "event", "id": "evt_1", "type": "x", "created": 1e300,'
        ' "data": {"object": {}}}',
    ],
)
def test_a_signed_body_that_is_not_an_event_is_refused(body, client):
    response = post_event(client, {}, payload=body, header=sign(body, _secret()))

    assert response.status_code == 400
    assert stored_events() == 0


def test_the_webhook_only_takes_posts(client):
    assert client.get(webhook_url()).status_code == 405


def test_the_webhook_address_needs_no_language_prefix_or_csrf_token():
    assert webhook_url() == "/thanh-toan/stripe/webhook/"
    csrf_client = Client(enforce_csrf_checks=True)
    body = encode(event("ping", {"object": "test"}))
    response = csrf_client.post(
        webhook_url(),
        data=body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(body, _secret()),
    )
    assert response.status_code == 200


def test_an_unknown_event_type_is_stored_and_answered(client):
    unknown = event("customer.created", {"id": "cus_1", "object": "customer"})

    response = post_event(client, unknown)

    assert response.status_code == 200
    stored = StripeEvent.objects.get()
    assert (stored.type, stored.outcome) == ("customer.created", "ignored")


def test_an_event_about_a_session_we_never_made_is_stored_and_answered(client):
    stranger = event(
        "checkout.session.completed",
        {
            "id": "cs_test_not_ours",
            "object": "checkout.session",
            "payment_status": "paid",
            "amount_total": 50000,
            "currency": "vnd",
            "metadata": {},
        },
    )

    response = post_event(client, stranger)

    assert response.status_code == 200
    assert outcome(response) == "unknown_session"


# -- amounts --------------------------------------------------------------------


@pytest.mark.parametrize(
    "change", [{"amount_total": 1000}, {"currency": "usd"}, {"amount_total": None}]
)
def test_a_payment_of_another_amount_or_currency_is_flagged_not_paid(
    change, checkout, fake_stripe, client
):
    order, payment = checkout
    paid = fake_stripe.pay(payment.stripe_session_id, deliver=False)
    paid["data"]["object"].update(change)

    response = post_event(client, paid)

    assert outcome(response) == "amount_mismatch"
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.needs_attention
    assert order.status == Order.Status.AWAITING_PAYMENT
    assert order.payment_status == Order.PaymentStatus.UNPAID
    assert payment.status == Payment.Status.PENDING
    assert line_states(order) == {OrderLine.StockStatus.HELD}


# -- delayed payment methods --------------------------------------------------------


def test_an_unpaid_completed_session_waits_for_the_async_result(
    checkout, products, fake_stripe, client, django_capture_on_commit_callbacks
):
    order, payment = checkout
    pending = fake_stripe.pay(
        payment.stripe_session_id, payment_status="unpaid", deliver=False
    )

    assert outcome(post_event(client, pending)) == "awaiting_async_payment"
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_PAYMENT
    assert line_states(order) == {OrderLine.StockStatus.HELD}

    settled = fake_stripe.async_result(
        payment.stripe_session_id, succeeded=True, deliver=False
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert outcome(post_event(client, settled)) == "paid"
    assert_paid_once(order, payment, products)


def test_a_failed_async_payment_cancels_the_order_and_returns_the_units(
    checkout, products, fake_stripe, client
):
    order, payment = checkout
    tea, orange = products
    fake_stripe.pay(payment.stripe_session_id, payment_status="unpaid", deliver=False)
    failed = fake_stripe.async_result(
        payment.stripe_session_id, succeeded=False, deliver=False
    )

    assert outcome(post_event(client, failed)) == "payment_failed"
    # A late success for the same failed payment cannot revive it.
    assert outcome(post_event(client, failed)) == "duplicate"

    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert payment.status == Payment.Status.FAILED
    assert line_states(order) == {OrderLine.StockStatus.RETURNED}
    assert (stock_of(tea), stock_of(orange)) == (10, 50)


# -- expiry and out-of-order events ------------------------------------------------


def test_an_expired_session_expires_the_order_and_returns_the_units(
    checkout, products, fake_stripe, client
):
    order, payment = checkout
    tea, orange = products
    expired = fake_stripe.expire(payment.stripe_session_id, deliver=False)

    assert outcome(post_event(client, expired)) == "expired"

    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == Order.Status.EXPIRED
    assert payment.status == Payment.Status.EXPIRED
    assert (stock_of(tea), stock_of(orange)) == (10, 50)


def test_expired_twice_returns_the_units_once(checkout, products, fake_stripe, client):
    order, payment = checkout
    tea, orange = products
    expired = fake_stripe.expire(payment.stripe_session_id, deliver=False)
    # The same event redelivered, and a second event saying the same thing.
    again = event("checkout.session.expired", expired["data"]["object"])

    outcomes = [outcome(post_event(client, e)) for e in (expired, expired, again)]

    assert outcomes == ["expired", "duplicate", "ignored_expired"]
    assert (stock_of(tea), stock_of(orange)) == (10, 50)


def test_an_expiry_after_the_command_expired_the_order_returns_nothing_more(
    checkout, products, fake_stripe, client
):
    order, payment = checkout
    tea, orange = products
    order.refresh_from_db()
    later = order.payment_due_at + timedelta(hours=1)
    assert ordering.expire_overdue_orders(now=later) == 1
    expired = fake_stripe.last_event("checkout.session.expired")

    assert outcome(post_event(client, expired)) == "ignored_expired"
    assert (stock_of(tea), stock_of(orange)) == (10, 50)


def test_an_expiry_arriving_after_the_payment_changes_nothing(
    checkout, products, fake_stripe, client, django_capture_on_commit_callbacks
):
    order, payment = checkout
    open_session = dict(fake_stripe.sessions[payment.stripe_session_id])
    paid = fake_stripe.pay(payment.stripe_session_id, deliver=False)
    expired = event("checkout.session.expired", {**open_session, "status": "expired"})

    with django_capture_on_commit_callbacks(execute=True):
        post_event(client, paid)
        response = post_event(client, expired)

    assert outcome(response) == "ignored_succeeded"
    assert_paid_once(order, payment, products)


def test_a_payment_arriving_after_the_expiry_keeps_units_still_in_stock(
    checkout, products, fake_stripe, client, django_capture_on_commit_callbacks
):
    order, payment = checkout
    tea, orange = products
    open_session = dict(fake_stripe.sessions[payment.stripe_session_id])
    paid = fake_stripe.pay(payment.stripe_session_id, deliver=False)
    expired = event("checkout.session.expired", {**open_session, "status": "expired"})

    assert outcome(post_event(client, expired)) == "expired"
    assert (stock_of(tea), stock_of(orange)) == (10, 50)
    with django_capture_on_commit_callbacks(execute=True):
        assert outcome(post_event(client, paid)) == "late_paid"

    order.refresh_from_db()
    assert order.status == Order.Status.PLACED
    assert order.payment_status == Order.PaymentStatus.PAID
    assert line_states(order) == {OrderLine.StockStatus.SOLD}
    assert (stock_of(tea), stock_of(orange)) == (8, 46)
    assert len(buyer_mails()) == 1
    assert fake_stripe.calls("POST", "/v1/refunds") == []


def _sell_all_tea_to_someone_else(tea):
    place(
        [(tea, stock_of(tea))],
        PaymentMethod.CASH_ON_DELIVERY,
        email="someone@example.com",
    )


def test_a_late_payment_for_units_sold_meanwhile_is_refunded_once_and_flagged(
    checkout, products, fake_stripe, client, django_capture_on_commit_callbacks
):
    order, payment = checkout
    tea, orange = products
    # The hold lapses while the buyer is still on Stripe's page; someone else
    # buys the tea; then the buyer pays.
    ordering.expire_order(order, reason="hold lapsed")
    _sell_all_tea_to_someone_else(tea)
    paid = fake_stripe.pay(payment.stripe_session_id, deliver=False)

    with django_capture_on_commit_callbacks(execute=True):
        responses = [post_event(client, paid) for _ in range(3)]

    assert [outcome(r) for r in responses] == ["refund_requested"] + ["duplicate"] * 2
    [refund_call] = fake_stripe.calls("POST", "/v1/refunds")
    assert (
        refund_call.params["payment_intent"]
        == (fake_stripe.sessions[payment.stripe_session_id]["payment_intent"])
    )
    assert "amount" not in refund_call.params  # all of it
    assert refund_call.idempotency_key == f"{payment.idempotency_key}-refund-unkept"
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert order.needs_attention
    assert order.attention_reason
    assert stock_of(tea) == 0  # never oversold
    assert stock_of(orange) == 50
    assert buyer_mails() == []

    # Stripe then reports the refund.
    refunded = fake_stripe.last_event("charge.refunded")
    assert outcome(post_event(client, refunded)) == "refund_recorded"
    order.refresh_from_db()
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED
    assert payment.amount_refunded == order.total
    assert order.payment_status == Order.PaymentStatus.REFUNDED


def test_a_late_refund_stripe_cannot_make_now_is_retried_by_the_next_delivery(
    checkout, products, fake_stripe, client, settings
):
    order, payment = checkout
    tea, _orange = products
    fake_address = settings.STRIPE_API_BASE
    ordering.expire_order(order, reason="hold lapsed")
    _sell_all_tea_to_someone_else(tea)
    paid = fake_stripe.pay(payment.stripe_session_id, deliver=False)

    settings.STRIPE_API_BASE = "http://127.0.0.1:9"
    assert post_event(client, paid).status_code == 503
    assert stored_events() == 0
    order.refresh_from_db()
    assert order.status == Order.Status.EXPIRED

    settings.STRIPE_API_BASE = fake_address
    assert outcome(post_event(client, paid)) == "refund_requested"
    assert len(fake_stripe.refunds) == 1


def test_a_payment_and_an_expiry_racing_end_paid_with_units_sold_once(
    checkout, products, fake_stripe, client
):
    order, payment = checkout
    open_session = dict(fake_stripe.sessions[payment.stripe_session_id])
    paid = fake_stripe.pay(payment.stripe_session_id, deliver=False)
    expired = event("checkout.session.expired", {**open_session, "status": "expired"})

    for e in (expired, paid, expired, paid):
        post_event(client, e)

    order.refresh_from_db()
    assert order.status == Order.Status.PLACED
    assert order.payment_status == Order.PaymentStatus.PAID
    assert (stock_of(products[0]), stock_of(products[1])) == (8, 46)


# -- refunds -------------------------------------------------------------------------


@pytest.fixture
def paid_order(checkout, fake_stripe, client):
    order, payment = checkout
    post_event(client, fake_stripe.pay(payment.stripe_session_id, deliver=False))
    payment.refresh_from_db()
    return order, payment


def test_a_full_refund_is_recorded_on_the_payment_and_the_order(
    paid_order, fake_stripe, client
):
    order, payment = paid_order
    stripe_payments.refund(payment)

    response = post_event(client, fake_stripe.last_event("charge.refunded"))

    assert outcome(response) == "refund_recorded"
    order.refresh_from_db()
    payment.refresh_from_db()
    assert payment.amount_refunded == order.total
    assert payment.status == Payment.Status.REFUNDED
    assert order.payment_status == Order.PaymentStatus.REFUNDED
    assert order.events.filter(action="refund_recorded").count() == 1


def test_partial_refunds_never_move_the_recorded_amount_backwards(
    paid_order, fake_stripe, client
):
    order, payment = paid_order
    stripe_payments.refund(payment, amount=330000, key_suffix="fulfilment-1")
    partial = fake_stripe.last_event("charge.refunded")

    assert outcome(post_event(client, partial)) == "refund_recorded"
    order.refresh_from_db()
    payment.refresh_from_db()
    assert payment.amount_refunded == 330000
    assert payment.status == Payment.Status.SUCCEEDED
    assert order.payment_status == Order.PaymentStatus.PARTIALLY_REFUNDED

    stripe_payments.refund(payment, amount=order.total - 330000, key_suffix="rest")
    full = fake_stripe.last_event("charge.refunded")
    # The full refund's event arrives first, the earlier partial one again later.
    assert outcome(post_event(client, full)) == "refund_recorded"
    older = event("charge.refunded", partial["data"]["object"])
    assert outcome(post_event(client, older)) == "already_recorded"

    order.refresh_from_db()
    payment.refresh_from_db()
    assert payment.amount_refunded == order.total
    assert payment.status == Payment.Status.REFUNDED
    assert order.payment_status == Order.PaymentStatus.REFUNDED


def test_a_refund_reported_before_its_payment_waits_for_it(
    checkout, products, fake_stripe, client, django_capture_on_commit_callbacks
):
    order, payment = checkout
    paid = fake_stripe.pay(payment.stripe_session_id, deliver=False)
    stripe_payments.refund(payment, amount=50000, key_suffix="goodwill")
    refunded = fake_stripe.last_event("charge.refunded")

    assert post_event(client, refunded).status_code == 503
    assert stored_events() == 0
    with django_capture_on_commit_callbacks(execute=True):
        post_event(client, paid)
    assert outcome(post_event(client, refunded)) == "refund_recorded"

    order.refresh_from_db()
    assert order.status == Order.Status.PLACED
    assert order.payment_status == Order.PaymentStatus.PARTIALLY_REFUNDED


def test_a_refund_of_a_charge_we_do_not_know_is_stored_and_answered(client):
    stranger = event(
        "charge.refunded",
        {"id": "ch_x", "object": "charge", "payment_intent": "pi_x", "amount": 1},
    )

    assert outcome(post_event(client, stranger)) == "unknown_charge"


# -- concurrency (real transactions, real threads) -------------------------------


@pytest.fixture
def committed_db(transactional_db):
    """Real commits, with the root collection Wagtail's migrations make (an
    earlier transactional test's flush removed it; cooperatives need it)."""
    from wagtail.models import Collection

    if not Collection.objects.exists():
        Collection.add_root(name="Root")


@pytest.fixture
def slow_handling(monkeypatch):
    """Hold each payment's transaction open a little longer, so deliveries
    released together really overlap inside it."""
    mark_paid = ordering.mark_paid

    def slowly(*args, **kwargs):
        time.sleep(0.2)
        return mark_paid(*args, **kwargs)

    monkeypatch.setattr(ordering, "mark_paid", slowly)


def _at_once(count: int, work) -> list:
    """Run `work()` in `count` threads released together; return their results."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(n):
        try:
            barrier.wait()
            results[n] = work(n)
        except BaseException as error:  # noqa: BLE001 - reported below
            results[n] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


@pytest.mark.django_db(transaction=True)
def test_the_same_event_delivered_five_times_at_once_is_handled_once(
    committed_db, fake_stripe, slow_handling
):
    products = tea_and_oranges()
    order = card_order(*products)
    payment = start(order)
    paid = fake_stripe.pay(payment.stripe_session_id, deliver=False)

    results = _at_once(5, lambda n: deliver_until_accepted(paid))

    assert all(isinstance(r, list) and r[-1] == 200 for r in results), results
    assert stored_events() == 1
    assert StripeEvent.objects.get().outcome == "paid"
    assert_paid_once(order, payment, products)


@pytest.mark.django_db(transaction=True)
def test_a_payment_and_its_expiry_delivered_at_once_end_paid_with_units_sold_once(
    committed_db, fake_stripe, slow_handling
):
    products = tea_and_oranges()
    order = card_order(*products)
    payment = start(order)
    open_session = dict(fake_stripe.sessions[payment.stripe_session_id])
    paid = fake_stripe.pay(payment.stripe_session_id, deliver=False)
    expired = event("checkout.session.expired", {**open_session, "status": "expired"})
    deliveries = [paid, expired] * 3

    results = _at_once(6, lambda n: deliver_until_accepted(deliveries[n]))

    assert all(isinstance(r, list) and r[-1] == 200 for r in results), results
    assert stored_events() == 2
    assert_paid_once(order, payment, products)


# -- the fake's hosted checkout page, end to end over HTTP ----------------------------


@pytest.mark.django_db(transaction=True)
def test_paying_on_the_checkout_page_sends_a_signed_webhook_the_site_accepts(
    committed_db, live_server, fake_stripe
):
    products = tea_and_oranges()
    order = card_order(*products)
    payment = start(order)
    fake_stripe.webhook_url = live_server.url + webhook_url()

    page = requests.get(payment.checkout_url, timeout=10)
    assert page.status_code == 200
    assert "Pay" in page.text and "Chè búp (kg)" in page.text
    paid = requests.post(payment.checkout_url, allow_redirects=False, timeout=30)

    assert paid.status_code == 303
    assert paid.headers["Location"].endswith(f"?session={payment.stripe_session_id}")
    [delivery] = fake_stripe.deliveries
    assert delivery.status == 200
    assert delivery.event["type"] == "checkout.session.completed"
    assert_paid_once(order, payment, products)
