"""Card checkout through the real stripe SDK, pointed at the local fake Stripe."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone, translation

from market import ordering
from market.models import Order, Payment, PaymentMethod
from market.payments import stripe as stripe_payments
from tests.market.orders import place
from tests.market.stripe_orders import (
    CANCEL_URL,
    SUCCESS_URL,
    card_order,
    start,
    tea_and_oranges,
)

pytestmark = pytest.mark.django_db

SESSIONS = "/v1/checkout/sessions"


@pytest.fixture
def order():
    tea, orange = tea_and_oranges()
    return card_order(tea, orange)


def test_checkout_session_is_in_vnd_whole_dong_with_one_item_per_line_and_delivery_fee(
    order, fake_stripe
):
    payment = start(order)

    [call] = fake_stripe.calls("POST", SESSIONS)
    params = call.params
    assert params["mode"] == "payment"
    assert params["payment_method_types"] == ["card"]
    assert params["currency"] == "vnd"
    # Zero-decimal: 150000 is 150.000 ₫, not 1.500 ₫.
    assert params["line_items"] == [
        {
            "quantity": "4",
            "price_data": {
                "currency": "vnd",
                "unit_amount": "45000",
                "product_data": {"name": "Cam Vinh (kg)"},
            },
        },
        {
            "quantity": "1",
            "price_data": {
                "currency": "vnd",
                "unit_amount": "25000",
                "product_data": {"name": "Phí giao hàng – HTX Cam Vinh"},
            },
        },
        {
            "quantity": "2",
            "price_data": {
                "currency": "vnd",
                "unit_amount": "150000",
                "product_data": {"name": "Chè búp (kg)"},
            },
        },
        {
            "quantity": "1",
            "price_data": {
                "currency": "vnd",
                "unit_amount": "30000",
                "product_data": {"name": "Phí giao hàng – HTX Chè Thanh Chương"},
            },
        },
    ]
    assert params["client_reference_id"] == order.number
    assert params["customer_email"] == "lan@example.com"
    assert params["success_url"] == SUCCESS_URL
    assert params["cancel_url"] == CANCEL_URL
    expected_metadata = {
        "order_number": order.number,
        "payment_id": str(payment.pk),
        "attempt": "1",
    }
    assert params["metadata"] == expected_metadata
    assert params["payment_intent_data"] == {"metadata": expected_metadata}

    session = fake_stripe.sessions[payment.stripe_session_id]
    assert session["amount_total"] == order.total == 2 * 150000 + 4 * 45000 + 55000
    assert payment.method == PaymentMethod.CARD
    assert payment.status == Payment.Status.PENDING
    assert payment.amount == order.total
    assert payment.attempt == 1
    assert payment.idempotency_key == f"order-{order.number}-attempt-1"
    assert call.idempotency_key == payment.idempotency_key
    assert call.headers["authorization"] == "Bearer sk_test_local_fake"
    assert payment.checkout_url == f"{fake_stripe.base_url}/pay/{session['id']}"


def test_session_expires_with_the_order_hold_at_least_thirty_minutes_ahead(
    order, fake_stripe
):
    before = timezone.now()
    payment = start(order)

    order.refresh_from_db()
    [call] = fake_stripe.calls("POST", SESSIONS)
    assert int(call.params["expires_at"]) == int(order.payment_due_at.timestamp())
    assert order.payment_due_at >= before + timedelta(minutes=30)
    assert order.payment_due_at <= timezone.now() + timedelta(minutes=32)
    assert fake_stripe.sessions[payment.stripe_session_id]["status"] == "open"


def test_starting_checkout_again_while_the_session_is_open_reuses_it(
    order, fake_stripe
):
    first = start(order)
    again = start(order)

    assert again.pk == first.pk
    assert again.checkout_url == first.checkout_url
    assert len(fake_stripe.calls("POST", SESSIONS)) == 1
    assert order.payments.count() == 1


def test_a_lost_answer_is_retried_with_the_same_key_and_stripe_replays_its_session(
    order, fake_stripe
):
    fake_stripe.lose_next_responses(1)

    payment = start(order)

    first, retry = fake_stripe.calls("POST", SESSIONS)
    assert first.status == 500
    assert retry.idempotency_key == first.idempotency_key == payment.idempotency_key
    assert retry.replayed
    assert len(fake_stripe.sessions) == 1
    assert payment.stripe_session_id == next(iter(fake_stripe.sessions))


def test_retrying_an_attempt_that_failed_on_our_side_gets_the_same_session(
    order, fake_stripe
):
    payment = start(order)
    session_id = payment.stripe_session_id
    # Stripe answered but the answer was never saved (a crash, a timeout).
    Payment.objects.filter(pk=payment.pk).update(
        stripe_session_id=None, checkout_url=""
    )

    # The buyer comes back in English: the parameters must not change with it.
    with translation.override("en"):
        again = start(order)

    assert again.pk == payment.pk
    assert again.stripe_session_id == session_id
    calls = fake_stripe.calls("POST", SESSIONS)
    assert [c.idempotency_key for c in calls] == [payment.idempotency_key] * 2
    assert calls[1].replayed and calls[1].status == 200
    assert len(fake_stripe.sessions) == 1


def test_a_new_attempt_after_an_expired_one_gets_its_own_key_and_session(
    order, fake_stripe
):
    first = start(order)
    Payment.objects.filter(pk=first.pk).update(status=Payment.Status.EXPIRED)

    second = start(order)

    assert second.attempt == 2
    assert second.idempotency_key == f"order-{order.number}-attempt-2"
    assert second.stripe_session_id != first.stripe_session_id
    assert len(fake_stripe.sessions) == 2


@pytest.mark.parametrize(
    ("total", "allowed"),
    [(12999, False), (13000, True), (99999999, True), (100000000, False)],
)
def test_card_amounts_stripe_accepts_for_vnd(total, allowed):
    assert stripe_payments.card_amount_allowed(total) is allowed


def test_a_total_outside_what_stripe_accepts_is_refused_before_any_request(
    order, fake_stripe, settings
):
    settings.STRIPE_MAX_AMOUNT_VND = order.total - 1

    with pytest.raises(stripe_payments.CardAmountRefused) as refused:
        start(order)

    message = str(refused.value.message)
    assert "thanh toán khi nhận hàng" in message
    assert "chuyển khoản ngân hàng" in message
    assert refused.value.code == "amount_out_of_range"
    assert fake_stripe.requests == []
    assert not order.payments.exists()


def test_a_small_order_is_refused_with_the_bounds_in_dong(fake_stripe, settings):
    tea, orange = tea_and_oranges()
    order = card_order(tea, orange)
    settings.STRIPE_MIN_AMOUNT_VND = order.total + 1

    with pytest.raises(stripe_payments.CardAmountRefused) as refused:
        start(order)

    assert f"{order.total:,}".replace(",", ".") + " ₫" in str(refused.value.message)
    assert fake_stripe.requests == []


def test_an_order_not_waiting_for_a_card_payment_gets_no_session(fake_stripe):
    tea, orange = tea_and_oranges()
    cash = place([(tea, 1)], PaymentMethod.CASH_ON_DELIVERY)

    with pytest.raises(stripe_payments.CardPaymentError) as refused:
        start(cash)

    assert refused.value.code == "not_awaiting_card_payment"
    assert fake_stripe.requests == []


def test_stripe_unreachable_gives_a_message_and_a_retry_later_reuses_the_key(
    order, fake_stripe, settings
):
    fake_address = settings.STRIPE_API_BASE
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there

    with pytest.raises(stripe_payments.CardPaymentUnavailable) as unavailable:
        start(order)
    assert "thử lại" in str(unavailable.value.message)
    pending = order.payments.get()
    assert pending.stripe_session_id is None

    settings.STRIPE_API_BASE = fake_address
    payment = start(order)
    assert payment.pk == pending.pk
    [call] = fake_stripe.calls("POST", SESSIONS)
    assert call.idempotency_key == pending.idempotency_key


def test_a_refund_asked_twice_is_made_once(order, fake_stripe):
    payment = start(order)
    fake_stripe.pay(payment.stripe_session_id, deliver=False)

    first = stripe_payments.refund(payment)
    again = stripe_payments.refund(payment)

    assert first == again
    assert len(fake_stripe.refunds) == 1
    calls = fake_stripe.calls("POST", "/v1/refunds")
    key = f"order-{order.number}-attempt-1-refund-full"
    assert [c.idempotency_key for c in calls] == [key, key]
    refund = fake_stripe.refunds[first]
    assert refund["amount"] == order.total
    # The payment intent was looked up from the session, and kept.
    payment.refresh_from_db()
    assert refund["payment_intent"] == payment.stripe_payment_intent_id != ""


def test_partial_refunds_with_their_own_keys_each_give_back_their_amount(
    order, fake_stripe
):
    payment = start(order)
    fake_stripe.pay(payment.stripe_session_id, deliver=False)

    tea_part = stripe_payments.refund(payment, amount=330000, key_suffix="fulfilment-1")
    orange_part = stripe_payments.refund(
        payment, amount=205000, key_suffix="fulfilment-2"
    )

    assert tea_part != orange_part
    assert [fake_stripe.refunds[r]["amount"] for r in (tea_part, orange_part)] == [
        330000,
        205000,
    ]
    charge = fake_stripe.last_event("charge.refunded")["data"]["object"]
    assert charge["amount_refunded"] == order.total
    assert charge["refunded"] is True


def test_a_refund_stripe_refuses_raises_a_permanent_refund_failure(order, fake_stripe):
    payment = start(order)
    fake_stripe.pay(payment.stripe_session_id, deliver=False)

    with pytest.raises(stripe_payments.RefundFailed) as failed:
        stripe_payments.refund(payment, amount=order.total + 1, key_suffix="too-much")

    assert failed.value.transient is False
    assert fake_stripe.refunds == {}


def test_expiring_a_session_closes_it_once_and_tolerates_it_being_closed(
    order, fake_stripe
):
    payment = start(order)

    assert stripe_payments.expire_session(payment) is True
    assert fake_stripe.sessions[payment.stripe_session_id]["status"] == "expired"
    assert stripe_payments.expire_session(payment) is True
    assert fake_stripe.calls("POST", f"{SESSIONS}/{payment.stripe_session_id}/expire")


def test_a_completed_session_is_not_expired_and_its_webhook_decides(order, fake_stripe):
    payment = start(order)
    fake_stripe.pay(payment.stripe_session_id, deliver=False)

    assert stripe_payments.expire_session(payment) is False
    assert fake_stripe.sessions[payment.stripe_session_id]["status"] == "complete"


def test_expiring_when_stripe_is_unreachable_leaves_the_order_for_later(
    order, fake_stripe, settings
):
    payment = start(order)
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"

    assert stripe_payments.expire_session(payment) is False


def test_overdue_card_orders_are_expired_after_their_session_is_closed(
    order, fake_stripe
):
    payment = start(order)
    order.refresh_from_db()

    expired = ordering.expire_overdue_orders(
        now=order.payment_due_at + timedelta(hours=1)
    )

    assert expired == 1
    assert fake_stripe.sessions[payment.stripe_session_id]["status"] == "expired"
    order.refresh_from_db()
    assert order.status == Order.Status.EXPIRED


@pytest.mark.django_db(transaction=True)
def test_a_double_click_on_pay_makes_one_payment_and_one_session(fake_stripe):
    from wagtail.models import Collection

    if not Collection.objects.exists():
        Collection.add_root(name="Root")  # flushed by an earlier transactional test
    tea, orange = tea_and_oranges()
    order = card_order(tea, orange)
    barrier = threading.Barrier(4)
    results = [None] * 4

    def click(n):
        try:
            barrier.wait()
            results[n] = start(Order.objects.get(pk=order.pk))
        except BaseException as error:  # noqa: BLE001 - asserted below
            results[n] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert all(isinstance(r, Payment) for r in results), results
    assert {r.checkout_url for r in results} == {results[0].checkout_url}
    assert order.payments.count() == 1
    assert len(fake_stripe.sessions) == 1
