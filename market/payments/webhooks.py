"""Stripe's webhook: the only way a card order becomes paid.

Each request is verified with the Stripe SDK against `STRIPE_WEBHOOK_SECRET`
(signature and a five-minute tolerance), then stored once by its event id: a
duplicate delivery, even one racing the first, hits the unique constraint and
is answered 200 without being handled again. The event is handled in the same
transaction that stores it, with the order row locked, so a failure stores
nothing and Stripe's next delivery tries again (it retries any answer but 2xx
for three days).

States only move forward (`market.ordering` refuses the rest), so events that
arrive out of order end in the right place: an expiry after the payment does
nothing; a payment after the expiry is a late payment, kept if the units are
still there and refunded (once, by idempotency key) if they were sold.
"""

import datetime
import json
import logging

import stripe
from django.conf import settings
from django.db import IntegrityError, OperationalError, transaction
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from market import ordering
from market.models import Order, Payment, PaymentMethod, StripeEvent
from producers.ratelimit import rate_limit

from . import stripe as stripe_payments

logger = logging.getLogger(__name__)

# Seconds a signed event stays acceptable (replayed older ones are refused).
TOLERANCE = 300


class RetryLater(Exception):
    """The event cannot be handled yet; answer 503 so Stripe delivers it again."""


@csrf_exempt
@rate_limit("stripe_webhook", page=False)
@require_POST
def stripe_webhook(request):
    """Receive one Stripe event: 400 if it is not Stripe's, 2xx once stored."""
    payload = request.body
    try:
        stripe_payments.client().construct_event(
            payload,
            request.headers.get("Stripe-Signature"),
            settings.STRIPE_WEBHOOK_SECRET,
            tolerance=TOLERANCE,
        )
        data = json.loads(payload)
        created = _check_shape(data)
    except stripe.SignatureVerificationError as error:
        logger.warning("Stripe webhook refused: %s", error.user_message or error)
        return HttpResponseBadRequest("invalid signature")
    except (ValueError, KeyError, TypeError, AttributeError):
        # Signed by Stripe's secret but not an event we can read.
        return HttpResponseBadRequest("invalid event")
    try:
        outcome = receive(data, created=created)
    except (RetryLater, OperationalError) as error:
        # A row lock timed out, a deadlock, SQLite busy, or an event that must
        # wait for another: nothing was stored, Stripe sends it again.
        logger.info("Stripe event %s to be retried: %s", data["id"], error)
        return HttpResponse("retry later", status=503)
    return JsonResponse({"received": True, "outcome": outcome})


def _check_shape(data) -> datetime.datetime:
    """Raise ValueError unless `data` reads as an event; return when it was made."""
    if not isinstance(data, dict) or data.get("object") != "event":
        raise ValueError("not an event")
    if not isinstance(data["id"], str) or not isinstance(data["type"], str):
        raise ValueError("no id or type")
    if not isinstance(data["data"]["object"], dict):
        raise ValueError("no object")
    try:
        return datetime.datetime.fromtimestamp(int(data["created"]), tz=datetime.UTC)
    except (OverflowError, OSError) as error:
        raise ValueError("bad created time") from error


def receive(data: dict, *, created: datetime.datetime) -> str:
    """Store a verified event once and handle it; returns what happened.

    "duplicate" if the event was stored before; otherwise the handler's
    outcome, which is kept on the `StripeEvent` row.
    """
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = StripeEvent.objects.create(
                    event_id=data["id"][:255],
                    type=data["type"][:100],
                    stripe_created=created,
                    payload=data,
                )
        except IntegrityError:
            return "duplicate"
        handler = HANDLERS.get(record.type)
        outcome = handler(data["data"]["object"], record) if handler else "ignored"
        record.outcome = outcome[:255]
        record.processed_at = timezone.now()
        record.save(update_fields=["outcome", "processed_at"])
    return outcome


def _locked_payment(payment_id: int) -> Payment:
    """Lock the payment's order, then the payment (the order first, as
    `market.ordering` does, so two handlers never wait on each other)."""
    order_id = Payment.objects.values_list("order_id", flat=True).get(pk=payment_id)
    order = Order.objects.select_for_update().get(pk=order_id)
    payment = Payment.objects.select_for_update().get(pk=payment_id)
    payment.order = order
    return payment


def _is_id(text: str) -> bool:
    """Whether `text` is a row id int() reads ("²" is a digit to isdigit())."""
    return text.isascii() and text.isdigit() and len(text) <= 18


def _session_payment(session: dict) -> Payment | None:
    """The card Payment a Checkout Session belongs to, locked, or None."""
    cards = Payment.objects.filter(method=PaymentMethod.CARD)
    session_id = session.get("id")
    found = cards.filter(stripe_session_id=session_id).values_list("pk", flat=True)
    payment_id = found.first() if session_id else None
    if payment_id is None:
        # The session was made but its id never saved (our side failed after
        # Stripe answered): the metadata names the payment and the order.
        metadata = session.get("metadata") or {}
        candidate = str(metadata.get("payment_id", ""))
        number = session.get("client_reference_id") or metadata.get("order_number")
        if not _is_id(candidate) or not number:
            return None
        payment_id = (
            cards.filter(pk=int(candidate), order__number=number)
            .filter(stripe_session_id__isnull=True)
            .values_list("pk", flat=True)
            .first()
        )
        if payment_id is None:
            return None
    payment = _locked_payment(payment_id)
    changed = []
    if not payment.stripe_session_id and session_id:
        payment.stripe_session_id = session_id
        changed.append("stripe_session_id")
    intent = session.get("payment_intent")
    if isinstance(intent, dict):
        intent = intent.get("id")
    if intent and not payment.stripe_payment_intent_id:
        payment.stripe_payment_intent_id = intent
        changed.append("stripe_payment_intent_id")
    if changed:
        payment.save(update_fields=[*changed, "updated_at"])
    return payment


def session_completed(session: dict, record: StripeEvent) -> str:
    payment = _session_payment(session)
    if payment is None:
        return "unknown_session"
    if session.get("payment_status") == "paid":
        return _paid(payment, session, record)
    # A delayed method (e.g. a bank debit): its async_payment_* event follows.
    return "awaiting_async_payment"


def async_payment_succeeded(session: dict, record: StripeEvent) -> str:
    payment = _session_payment(session)
    if payment is None:
        return "unknown_session"
    return _paid(payment, session, record)


def _paid(payment: Payment, session: dict, record: StripeEvent) -> str:
    amount = session.get("amount_total")
    if not isinstance(amount, int) or isinstance(amount, bool):
        amount = -1  # never equal to a total: flagged as a mismatch
    outcome = ordering.mark_paid(
        payment.order,
        amount=amount,
        currency=str(session.get("currency") or ""),
        payment=payment,
        source=f"stripe {record.event_id}",
    )
    if outcome == "refund_needed":
        return _refund(payment, record)
    return outcome


def _refund(payment: Payment, record: StripeEvent) -> str:
    """Give back a payment the order cannot keep (units sold meanwhile)."""
    try:
        refund_id = stripe_payments.refund(payment, key_suffix="unkept")
    except stripe_payments.RefundFailed as error:
        if error.transient:
            raise RetryLater("refund") from error
        # The order is already flagged; staff refund by hand.
        ordering.log_event(
            payment.order, "refund_failed", message=f"stripe {record.event_id}"
        )
        return "refund_failed"
    ordering.log_event(
        payment.order,
        "refund_requested",
        message=f"stripe {record.event_id}: {refund_id}",
    )
    return "refund_requested"


def async_payment_failed(session: dict, record: StripeEvent) -> str:
    payment = _session_payment(session)
    if payment is None:
        return "unknown_session"
    if payment.status != Payment.Status.PENDING:
        return f"ignored_{payment.status}"
    ended = ordering.payment_failed(
        payment.order, payment, reason=f"stripe {record.event_id}"
    )
    return "payment_failed" if ended else "payment_failed_order_not_waiting"


def session_expired(session: dict, record: StripeEvent) -> str:
    payment = _session_payment(session)
    if payment is None:
        return "unknown_session"
    if payment.status != Payment.Status.PENDING:
        # Paid (or failed) before the expiry arrived: nothing moves back.
        return f"ignored_{payment.status}"
    newer = payment.order.payments.filter(
        attempt__gt=payment.attempt, status=Payment.Status.PENDING
    ).exists()
    if not newer and ordering.expire_order(
        payment.order, reason=f"stripe {record.event_id}: checkout.session.expired"
    ):
        return "expired"
    Payment.objects.filter(pk=payment.pk, status=Payment.Status.PENDING).update(
        status=Payment.Status.EXPIRED, updated_at=timezone.now()
    )
    return "session_expired"


# How far an order's money has gone back; it only ever moves down this list.
_REFUND_ORDER = [
    Order.PaymentStatus.UNPAID,
    Order.PaymentStatus.PAID,
    Order.PaymentStatus.PARTIALLY_REFUNDED,
    Order.PaymentStatus.REFUNDED,
]


def charge_refunded(charge: dict, record: StripeEvent) -> str:
    """Record how much of a card payment Stripe has given back."""
    payment_id = _charge_payment_id(charge)
    if payment_id is None:
        return "unknown_charge"
    payment = _locked_payment(payment_id)
    order = payment.order
    if payment.status == Payment.Status.PENDING and not order.needs_attention:
        # The payment's own completion has not been handled yet.
        raise RetryLater("refund before payment")
    refunded = charge.get("amount_refunded")
    if not isinstance(refunded, int) or refunded < 0:
        return "invalid_amount"
    refunded = min(refunded, payment.amount)
    if refunded <= payment.amount_refunded:
        return "already_recorded"
    payment.amount_refunded = refunded
    if refunded == payment.amount and payment.can_move_to(Payment.Status.REFUNDED):
        payment.status = Payment.Status.REFUNDED
    payment.save(update_fields=["amount_refunded", "status", "updated_at"])

    kept = order.payments.filter(
        status__in=[Payment.Status.SUCCEEDED, Payment.Status.REFUNDED]
    ).values_list("amount", "amount_refunded")
    received = sum(amount for amount, _ in kept)
    given_back = sum(back for _, back in kept)
    if received and given_back >= received:
        status = Order.PaymentStatus.REFUNDED
    elif given_back and received - given_back < order.total:
        status = Order.PaymentStatus.PARTIALLY_REFUNDED
    else:
        status = order.payment_status
    if _REFUND_ORDER.index(status) > _REFUND_ORDER.index(order.payment_status):
        order.payment_status = status
        order.save(update_fields=["payment_status", "updated_at"])
    ordering.log_event(
        order,
        "refund_recorded",
        to_status=order.payment_status,
        message=f"stripe {record.event_id}: {refunded} VND",
    )
    return "refund_recorded"


def _charge_payment_id(charge: dict) -> int | None:
    cards = Payment.objects.filter(method=PaymentMethod.CARD)
    intent = charge.get("payment_intent")
    if isinstance(intent, dict):
        intent = intent.get("id")
    if intent:
        found = (
            cards.filter(stripe_payment_intent_id=intent)
            .values_list("pk", flat=True)
            .first()
        )
        if found is not None:
            return found
    metadata = charge.get("metadata") or {}
    candidate = str(metadata.get("payment_id", ""))
    if _is_id(candidate) and metadata.get("order_number"):
        return (
            cards.filter(pk=int(candidate), order__number=metadata["order_number"])
            .values_list("pk", flat=True)
            .first()
        )
    return None


HANDLERS = {
    "checkout.session.completed": session_completed,
    "checkout.session.async_payment_succeeded": async_payment_succeeded,
    "checkout.session.async_payment_failed": async_payment_failed,
    "checkout.session.expired": session_expired,
    "charge.refunded": charge_refunded,
}
