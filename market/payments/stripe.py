"""Card payments through Stripe Checkout, in Vietnamese dong.

VND has no minor unit, for Stripe too: `unit_amount=150000` is 150.000 ₫.
Every call carries an idempotency key derived from the order and the attempt,
so a retried request (ours, or the SDK's own retries) gets Stripe's first
answer back instead of a second session or a second refund.

The client is built from settings on each use (`STRIPE_SECRET_KEY`,
`STRIPE_API_BASE`), never at import, so tests point the real SDK at a local
fake. An order is never marked paid from here: only a verified webhook does
that (`market.payments.webhooks`).
"""

import datetime
import functools
import logging

import stripe
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from market.models import Order, Payment, PaymentMethod
from market.money import format_vnd

logger = logging.getLogger(__name__)

CURRENCY = "vnd"
# Stripe lets a Checkout Session live from 30 minutes to 24 hours after it is
# created; a minute of margin covers the clocks and the request itself.
SESSION_MIN_LIFETIME = datetime.timedelta(minutes=31)
SESSION_MAX_LIFETIME = datetime.timedelta(hours=23, minutes=59)
# The SDK retries connection errors, 409s and 5xx with the same idempotency key.
NETWORK_RETRIES = 2


class CardPaymentError(Exception):
    """A card payment cannot go ahead; `message` is shown to the buyer."""

    def __init__(self, message, code: str):
        self.message = message
        self.code = code
        super().__init__(str(message))


class CardAmountRefused(CardPaymentError):
    """The order's total is outside what Stripe accepts for one VND charge."""

    def __init__(self, total: int):
        self.total = total
        super().__init__(
            _(
                "Không thể thanh toán thẻ cho đơn %(total)s: thanh toán thẻ chỉ "
                "nhận đơn từ %(minimum)s đến %(maximum)s. Vui lòng chọn thanh "
                "toán khi nhận hàng hoặc chuyển khoản ngân hàng."
            )
            % {
                "total": format_vnd(total),
                "minimum": format_vnd(settings.STRIPE_MIN_AMOUNT_VND),
                "maximum": format_vnd(settings.STRIPE_MAX_AMOUNT_VND),
            },
            "amount_out_of_range",
        )


class CardPaymentUnavailable(CardPaymentError):
    """Stripe could not be reached or refused the request."""

    def __init__(self, code: str = "stripe_unavailable"):
        super().__init__(
            _(
                "Cổng thanh toán thẻ đang không phản hồi. Vui lòng thử lại sau "
                "ít phút, hoặc chọn thanh toán khi nhận hàng hoặc chuyển khoản "
                "ngân hàng."
            ),
            code,
        )


class RefundFailed(CardPaymentError):
    """Stripe did not make a refund; `transient` if asking again later may work."""

    def __init__(self, transient: bool):
        self.transient = transient
        super().__init__(
            _("Hoàn tiền qua Stripe không thành công; cần hoàn tiền thủ công."),
            "refund_failed",
        )


def card_payments_enabled() -> bool:
    """Whether card payment can be offered at all (a secret key is configured)."""
    return bool(settings.STRIPE_SECRET_KEY)


def card_amount_allowed(total: int) -> bool:
    """Whether Stripe accepts `total` dong as one card payment."""
    return settings.STRIPE_MIN_AMOUNT_VND <= total <= settings.STRIPE_MAX_AMOUNT_VND


def client() -> stripe.StripeClient:
    """A Stripe client for the configured key and base address."""
    return _client(settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE)


@functools.lru_cache(maxsize=4)
def _client(api_key: str, api_base: str) -> stripe.StripeClient:
    # Cached per (key, base) so connections are reused; a settings override in
    # a test gets a client of its own.
    return stripe.StripeClient(
        api_key,
        base_addresses={"api": api_base},
        max_network_retries=NETWORK_RETRIES,
    )


def idempotency_key(order: Order, attempt: int) -> str:
    """The key of the Stripe call that creates attempt `attempt` for `order`."""
    return f"order-{order.number}-attempt-{attempt}"


def start_checkout(order: Order, *, success_url: str, cancel_url: str) -> Payment:
    """Open (or reopen) a Stripe Checkout Session for an unpaid card order.

    Returns the card Payment, with `checkout_url` to send the buyer to. While
    the latest attempt is pending its session is reused; a request that failed
    on the way is repeated with the same idempotency key and parameters, so
    Stripe answers with the session it may already have made. A new attempt
    starts only after the previous one failed or expired.
    """
    if not card_amount_allowed(order.total):
        raise CardAmountRefused(order.total)
    if not card_payments_enabled():
        raise CardPaymentUnavailable("stripe_not_configured")

    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if (
            order.payment_method != PaymentMethod.CARD
            or order.status != Order.Status.AWAITING_PAYMENT
        ):
            raise CardPaymentError(
                _("Đơn hàng này không còn chờ thanh toán thẻ."),
                "not_awaiting_card_payment",
            )
        payment = (
            order.payments.filter(method=PaymentMethod.CARD)
            .order_by("-attempt")
            .first()
        )
        if payment is not None and payment.status == Payment.Status.PENDING:
            if payment.stripe_session_id and payment.checkout_url:
                return payment
        else:
            payment = _new_attempt(order)

    params = session_params(
        order, payment, success_url=success_url, cancel_url=cancel_url
    )
    try:
        session = client().v1.checkout.sessions.create(
            params, {"idempotency_key": payment.idempotency_key}
        )
    except stripe.StripeError as error:
        logger.warning(
            "Stripe refused or missed the session for %s: %s", payment, error
        )
        raise CardPaymentUnavailable() from error

    Payment.objects.filter(pk=payment.pk).update(
        stripe_session_id=session.id, checkout_url=session.url
    )
    payment.refresh_from_db()
    return payment


def _new_attempt(order: Order) -> Payment:
    """Create the next card Payment; the order's hold lasts as long as its session."""
    last = order.payments.order_by("-attempt").values_list("attempt", flat=True)
    attempt = (last.first() or 0) + 1
    now = timezone.now()
    due = max(order.payment_due_at or now, now + SESSION_MIN_LIFETIME)
    due = min(due, now + SESSION_MAX_LIFETIME).replace(microsecond=0)
    if due != order.payment_due_at:
        Order.objects.filter(pk=order.pk).update(payment_due_at=due)
        order.payment_due_at = due
    return Payment.objects.create(
        order=order,
        method=PaymentMethod.CARD,
        amount=order.total,
        attempt=attempt,
        idempotency_key=idempotency_key(order, attempt),
    )


def session_params(
    order: Order, payment: Payment, *, success_url: str, cancel_url: str
) -> dict:
    """The Checkout Session parameters for `payment`.

    The same payment always gives the same parameters (Stripe refuses a reused
    idempotency key with different ones), so names are written in the site's
    language rather than the buyer's current one.
    """
    line_items = []
    with translation.override(settings.LANGUAGE_CODE):
        fulfilments = (
            order.fulfilments.select_related("cooperative")
            .prefetch_related("lines")
            .order_by("cooperative__name", "pk")
        )
        for fulfilment in fulfilments:
            for line in fulfilment.lines.all():
                line_items.append(
                    _line_item(
                        f"{line.product_name} ({line.get_unit_display()})",
                        line.unit_price,
                        line.quantity,
                    )
                )
            if fulfilment.delivery_fee:
                name = gettext("Phí giao hàng – %(cooperative)s") % {
                    "cooperative": fulfilment.cooperative.name
                }
                line_items.append(_line_item(name, fulfilment.delivery_fee, 1))
    charged = sum(
        item["price_data"]["unit_amount"] * item["quantity"] for item in line_items
    )
    if charged != payment.amount:
        # The lines must add up to what the order says; never charge otherwise.
        raise CardPaymentError(
            _("Tổng tiền đơn hàng không khớp với các dòng hàng."), "total_mismatch"
        )
    metadata = {
        "order_number": order.number,
        "payment_id": str(payment.pk),
        "attempt": str(payment.attempt),
    }
    return {
        "mode": "payment",
        # Cards settle at once, within the hold; delayed methods (bank debits)
        # could settle after the units went back on sale.
        "payment_method_types": ["card"],
        "currency": CURRENCY,
        "line_items": line_items,
        "success_url": success_url,
        "cancel_url": cancel_url,
        "client_reference_id": order.number,
        "customer_email": order.email,
        "expires_at": int(order.payment_due_at.timestamp()),
        "metadata": metadata,
        "payment_intent_data": {"metadata": metadata},
    }


def _line_item(name: str, unit_amount: int, quantity: int) -> dict:
    return {
        "quantity": quantity,
        "price_data": {
            "currency": CURRENCY,
            # Zero-decimal currency: whole dong, not hundredths.
            "unit_amount": unit_amount,
            "product_data": {"name": name[:250]},
        },
    }


def refund(payment: Payment, *, amount: int | None = None, key_suffix="full") -> str:
    """Refund a card payment (all of it, or `amount` dong); return the refund id.

    The idempotency key comes from the payment and `key_suffix` (e.g. "late"
    for a late payment, "fulfilment-12" for one cooperative's part), so the
    same refund asked twice is made once. The refunded amount is recorded when
    Stripe reports `charge.refunded`. Raises `RefundFailed`.
    """
    intent = payment.stripe_payment_intent_id or _payment_intent_of(payment)
    if not intent:
        raise CardPaymentError(
            _("Không tìm thấy giao dịch thẻ để hoàn tiền."), "no_payment_intent"
        )
    params = {
        "payment_intent": intent,
        "metadata": {
            "order_number": payment.order.number,
            "payment_id": str(payment.pk),
        },
    }
    if amount is not None:
        params["amount"] = amount
    key = f"{payment.idempotency_key}-refund-{key_suffix}"
    try:
        result = client().v1.refunds.create(params, {"idempotency_key": key})
    except stripe.StripeError as error:
        logger.warning("Stripe refund for %s failed: %s", payment, error)
        raise RefundFailed(transient=_is_transient(error)) from error
    return result.id


def _is_transient(error: stripe.StripeError) -> bool:
    """Whether the same request may succeed later (network, rate limit, 5xx)."""
    if isinstance(error, (stripe.APIConnectionError, stripe.RateLimitError)):
        return True
    return (error.http_status or 0) >= 500 or error.http_status == 409


def _payment_intent_of(payment: Payment) -> str:
    if not payment.stripe_session_id:
        return ""
    try:
        session = client().v1.checkout.sessions.retrieve(payment.stripe_session_id)
    except stripe.StripeError as error:
        raise RefundFailed(transient=_is_transient(error)) from error
    intent = session.payment_intent or ""
    if not isinstance(intent, str):
        intent = intent.id
    if intent:
        Payment.objects.filter(pk=payment.pk).update(stripe_payment_intent_id=intent)
        payment.stripe_payment_intent_id = intent
    return intent


def expire_session(payment: Payment) -> bool:
    """Close the payment's Checkout Session so the buyer can no longer pay it.

    Returns True when nobody can pay into the session any more: this call
    expired it, it had expired before, or none was ever opened. Returns False
    when it was completed (its webhook settles the order) or Stripe could not
    be asked (try again later).
    """
    if not payment.stripe_session_id:
        return True
    sessions = client().v1.checkout.sessions
    try:
        session = sessions.expire(
            payment.stripe_session_id,
            options={"idempotency_key": f"{payment.idempotency_key}-expire"},
        )
    except stripe.InvalidRequestError as error:
        # Stripe refuses to expire a session that is no longer open: ask why.
        logger.info("Session of %s not expired: %s", payment, error)
        try:
            session = sessions.retrieve(payment.stripe_session_id)
        except stripe.StripeError:
            return False
    except stripe.StripeError as error:
        logger.warning("Could not expire the session of %s: %s", payment, error)
        return False
    return session.status == "expired"
