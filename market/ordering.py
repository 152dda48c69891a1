"""Placing orders and settling whether they are paid, expired or cancelled.

One checkout makes one `Order`, split into one `Fulfilment` per cooperative.
Placing takes every unit from stock or none (`market.stock`); an order paid
by card or bank transfer holds its units until the payment arrives or the hold
lapses, and every way an order can end returns held units exactly once.

These functions take explicit arguments (no request) so the checkout view,
the Stripe webhook, the admin and management commands all behave the same.
"""

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from producers.models import Cooperative, Lot

from . import notifications, stock
from .models import (
    DeliveryMethod,
    Fulfilment,
    Order,
    OrderEvent,
    OrderLine,
    Payment,
    PaymentMethod,
    Product,
)
from .money import format_vnd
from .payments import stripe as stripe_payments

# Order numbers read aloud over the phone: no 0/O, 1/I/L look-alikes.
_NUMBER_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


class OrderingError(Exception):
    """A checkout that cannot be placed, with a message for the buyer."""

    def __init__(self, message, code: str = "invalid"):
        self.message = message
        self.code = code
        super().__init__(str(message))


@dataclass
class CheckoutDetails:
    contact_name: str
    phone: str
    email: str
    province_code: int
    commune_code: int
    street: str
    payment_method: str
    note: str = ""
    # Cooperative id -> DeliveryMethod value chosen for that cooperative's part.
    delivery: dict[int, str] = field(default_factory=dict)


@dataclass
class QuoteLine:
    product: Product
    quantity: int
    problem: str = ""

    @property
    def unit_price(self) -> int:
        return self.product.price

    @property
    def line_total(self) -> int:
        return self.product.price * self.quantity


@dataclass
class QuoteGroup:
    """One cooperative's part of a cart: its lines, delivery and subtotal."""

    cooperative: Cooperative
    lines: list[QuoteLine]
    delivery_method: str
    options: list[str]

    @property
    def goods_total(self) -> int:
        return sum(line.line_total for line in self.lines)

    @property
    def delivery_fee(self) -> int:
        if self.delivery_method != DeliveryMethod.DELIVERY:
            return 0
        return self.cooperative.delivery_fee_for(self.goods_total)

    @property
    def total(self) -> int:
        return self.goods_total + self.delivery_fee

    @property
    def item_count(self) -> int:
        return sum(line.quantity for line in self.lines)


@dataclass
class Quote:
    """What a cart would cost, grouped by cooperative, and what stops it."""

    groups: list[QuoteGroup]
    # Products that are no longer sold (unpublished or deleted), by id.
    unavailable: list[int]

    @property
    def goods_total(self) -> int:
        return sum(g.goods_total for g in self.groups)

    @property
    def delivery_total(self) -> int:
        return sum(g.delivery_fee for g in self.groups)

    @property
    def total(self) -> int:
        return self.goods_total + self.delivery_total

    @property
    def item_count(self) -> int:
        return sum(g.item_count for g in self.groups)

    @property
    def lines(self) -> list[QuoteLine]:
        return [line for g in self.groups for line in g.lines]

    @property
    def problems(self) -> list[str]:
        problems = [line.problem for line in self.lines if line.problem]
        if self.unavailable:
            problems.append(
                ngettext(
                    "Một sản phẩm trong giỏ không còn được bán.",
                    "%(count)d sản phẩm trong giỏ không còn được bán.",
                    len(self.unavailable),
                )
                % {"count": len(self.unavailable)}
            )
        return problems

    @property
    def is_empty(self) -> bool:
        return not self.groups


def delivery_options(cooperative: Cooperative) -> list[str]:
    options = []
    if cooperative.offers_delivery:
        options.append(DeliveryMethod.DELIVERY.value)
    if cooperative.offers_pickup:
        options.append(DeliveryMethod.PICKUP.value)
    return options


def _line_problem(product: Product, quantity: int, *, check_stock: bool) -> str:
    unit = product.get_unit_display()
    if quantity < product.min_order_quantity:
        return _("%(name)s: đặt tối thiểu %(min)s %(unit)s.") % {
            "name": product.name,
            "min": product.min_order_quantity,
            "unit": unit,
        }
    if check_stock and quantity > product.stock:
        if product.stock == 0:
            return _("%(name)s đã hết hàng.") % {"name": product.name}
        return _("%(name)s chỉ còn %(stock)s %(unit)s.") % {
            "name": product.name,
            "stock": product.stock,
            "unit": unit,
        }
    return ""


def quote(
    items: Mapping[int, int],
    delivery: Mapping[int, str] | None = None,
    *,
    check_stock: bool = True,
    products=None,
) -> Quote:
    """Price `items` (product id -> quantity) as one order would.

    `delivery` picks each cooperative's delivery method (cooperative id ->
    DeliveryMethod); a missing or unoffered choice falls back to delivery
    where the cooperative delivers, else pick-up. `products` may pass a
    queryset to load the products from (e.g. with images for the cart page).
    """
    delivery = delivery or {}
    wanted = {int(pk): int(qty) for pk, qty in items.items() if int(qty) > 0}
    queryset = products if products is not None else Product.objects.all()
    found = {
        p.pk: p
        for p in queryset.filter(pk__in=wanted, live=True).select_related("cooperative")
    }
    by_cooperative: dict[int, list[QuoteLine]] = {}
    for pk, quantity in wanted.items():
        product = found.get(pk)
        if product is None:
            continue
        by_cooperative.setdefault(product.cooperative_id, []).append(
            QuoteLine(
                product=product,
                quantity=quantity,
                problem=_line_problem(product, quantity, check_stock=check_stock),
            )
        )
    groups = []
    for lines in by_cooperative.values():
        cooperative = lines[0].product.cooperative
        options = delivery_options(cooperative)
        chosen = delivery.get(cooperative.pk)
        if chosen not in options:
            chosen = options[0] if options else DeliveryMethod.PICKUP.value
        lines.sort(key=lambda line: (line.product.name, line.product.pk))
        groups.append(
            QuoteGroup(
                cooperative=cooperative,
                lines=lines,
                delivery_method=chosen,
                options=options,
            )
        )
    groups.sort(key=lambda g: (g.cooperative.name, g.cooperative.pk))
    return Quote(groups=groups, unavailable=sorted(set(wanted) - set(found)))


def new_order_number(now: datetime | None = None) -> str:
    """A number people can read out, e.g. "DH-261126-K7M3Q" (date, then random)."""
    day = timezone.localtime(now).strftime("%y%m%d")
    suffix = "".join(secrets.choice(_NUMBER_ALPHABET) for _ in range(5))
    return f"DH-{day}-{suffix}"


def transfer_reference(order: Order) -> str:
    """What the buyer writes in a bank transfer: the number without punctuation."""
    return order.number.replace("-", "")


def log_event(
    order: Order,
    action: str,
    *,
    fulfilment: Fulfilment | None = None,
    user=None,
    from_status: str = "",
    to_status: str = "",
    message: str = "",
) -> OrderEvent:
    return OrderEvent.objects.create(
        order=order,
        fulfilment=fulfilment,
        user=user if user is not None and user.is_authenticated else None,
        action=action,
        from_status=from_status,
        to_status=to_status,
        message=str(message)[:500],
    )


class _DuplicateCheckout(Exception):
    pass


def _current_lots(product_ids) -> dict[int, Lot]:
    """The lot each product is sold from now: its newest lot still on sale."""
    lots: dict[int, Lot] = {}
    rows = (
        Product.lots.through.objects.filter(
            product_id__in=product_ids, lot__status=Lot.Status.ACTIVE
        )
        .select_related("lot")
        .order_by("product_id", "-lot__harvest_date", "-lot__pk")
    )
    for row in rows:
        lots.setdefault(row.product_id, row.lot)
    return lots


def place_order(
    *,
    items: Mapping[int, int],
    details: CheckoutDetails,
    user=None,
    checkout_token: str | None = None,
) -> Order:
    """Place one order for `items` (product id -> quantity): all lines or none.

    Raises `stock.InsufficientStock` when a product cannot supply its line
    (nothing is written), `OrderingError` for anything else the buyer must
    change. Re-sending the same `checkout_token` returns the first order.
    """
    if checkout_token:
        existing = Order.objects.filter(checkout_token=checkout_token).first()
        if existing:
            return existing
    if details.payment_method not in PaymentMethod.values:
        raise OrderingError(_("Chọn một phương thức thanh toán."), "payment_method")
    wanted = {int(pk): int(qty) for pk, qty in items.items()}
    if not wanted or any(qty <= 0 for qty in wanted.values()):
        raise OrderingError(_("Giỏ hàng đang trống."), "empty")
    try:
        order = _place(wanted, details, user, checkout_token)
    except _DuplicateCheckout:
        return Order.objects.get(checkout_token=checkout_token)
    if order.status == Order.Status.PLACED:
        notifications.order_placed(order)
        notifications.new_order_for_cooperatives(order)
    elif order.payment_method == PaymentMethod.BANK_TRANSFER:
        notifications.awaiting_bank_transfer(order)
    return order


def _place(wanted, details, user, checkout_token) -> Order:
    method = details.payment_method
    with transaction.atomic():
        # Lock first, then read prices and limits from the locked rows, so what
        # the buyer pays is what the rows said when the units were taken.
        stock.lock_products(wanted)
        cart = quote(wanted, details.delivery, check_stock=False)
        if cart.unavailable:
            raise OrderingError(cart.problems[-1], "unavailable")
        problems = cart.problems
        if problems:
            raise OrderingError(problems[0], "quantity")
        for group in cart.groups:
            if not group.options:
                raise OrderingError(
                    _("%(name)s chưa nhận đơn giao hoặc nhận tại chỗ.")
                    % {"name": group.cooperative.name},
                    "delivery",
                )
        if method == PaymentMethod.CARD and not stripe_payments.card_amount_allowed(
            cart.total
        ):
            raise OrderingError(
                _(
                    "Không thể thanh toán thẻ cho đơn %(total)s: chọn thanh toán khi "
                    "nhận hàng hoặc chuyển khoản."
                )
                % {"total": format_vnd(cart.total)},
                "card_amount",
            )
        stock.take(wanted)

        now = timezone.now()
        paid_later = method != PaymentMethod.CASH_ON_DELIVERY
        if method == PaymentMethod.CARD:
            due = now + timedelta(minutes=settings.MARKET_CARD_PAYMENT_MINUTES)
        elif method == PaymentMethod.BANK_TRANSFER:
            due = now + timedelta(hours=settings.MARKET_BANK_TRANSFER_HOURS)
        else:
            due = None
        order = Order(
            checkout_token=checkout_token or None,
            user=user if user is not None and user.is_authenticated else None,
            contact_name=details.contact_name,
            phone=details.phone,
            email=details.email,
            province_code=details.province_code,
            commune_code=details.commune_code,
            street=details.street,
            note=details.note,
            payment_method=method,
            status=Order.Status.AWAITING_PAYMENT if paid_later else Order.Status.PLACED,
            goods_total=cart.goods_total,
            delivery_total=cart.delivery_total,
            total=cart.total,
            payment_due_at=due,
        )
        _save_with_new_number(order, checkout_token)

        lots = _current_lots(wanted)
        line_status = (
            OrderLine.StockStatus.HELD if paid_later else OrderLine.StockStatus.SOLD
        )
        lines = []
        for group in cart.groups:
            fulfilment = Fulfilment.objects.create(
                order=order,
                cooperative=group.cooperative,
                status=Fulfilment.Status.AWAITING_PAYMENT
                if paid_later
                else Fulfilment.Status.NEW,
                delivery_method=group.delivery_method,
                goods_total=group.goods_total,
                delivery_fee=group.delivery_fee,
            )
            for line in group.lines:
                lot = lots.get(line.product.pk)
                lines.append(
                    OrderLine(
                        fulfilment=fulfilment,
                        product=line.product,
                        product_name=line.product.name,
                        unit=line.product.unit,
                        unit_price=line.product.price,
                        quantity=line.quantity,
                        lot=lot,
                        lot_code=lot.code if lot else "",
                        stock_status=line_status,
                    )
                )
        OrderLine.objects.bulk_create(lines)
        if method == PaymentMethod.BANK_TRANSFER:
            Payment.objects.create(
                order=order,
                method=method,
                amount=order.total,
                attempt=1,
                idempotency_key=f"order-{order.number}-bank-1",
                reference=transfer_reference(order),
            )
        log_event(order, "placed", user=user, to_status=order.status)
    return order


def _save_with_new_number(order: Order, checkout_token: str | None) -> None:
    for _attempt in range(8):
        order.number = new_order_number()
        try:
            with transaction.atomic():
                order.save()
            return
        except IntegrityError:
            if (
                checkout_token
                and Order.objects.filter(checkout_token=checkout_token).exists()
            ):
                raise _DuplicateCheckout from None
            if not Order.objects.filter(number=order.number).exists():
                raise
    raise RuntimeError("could not find a free order number")


def _lock(order: Order) -> Order:
    return Order.objects.select_for_update().get(pk=order.pk)


def _order_lines(order: Order) -> list[OrderLine]:
    return list(
        OrderLine.objects.filter(fulfilment__order=order)
        .order_by("pk")
        .select_for_update()
    )


def _flag(order: Order, reason) -> None:
    order.needs_attention = True
    order.attention_reason = str(reason)[:255]
    order.save(update_fields=["needs_attention", "attention_reason", "updated_at"])
    notifications.staff_attention(order)


def mark_paid(
    order: Order,
    *,
    amount: int,
    currency: str = "vnd",
    payment: Payment | None = None,
    user=None,
    source: str = "",
) -> str:
    """Record that the order's money arrived; returns what happened.

    "paid": the held units are sold and the cooperatives can fulfil.
    "late_paid": the hold had lapsed but the units were still there.
    "already_paid": nothing to do (a repeated notice of the same payment).
    "refund_needed": the money cannot be kept (the units were sold meanwhile,
    the order was cancelled, or it was paid twice); the order is flagged and
    the caller refunds `payment`.
    "amount_mismatch": the amount or currency is not the order's; flagged.
    """
    with transaction.atomic():
        order = _lock(order)
        if payment is not None:
            payment = Payment.objects.select_for_update().get(pk=payment.pk)
            if payment.status in (Payment.Status.SUCCEEDED, Payment.Status.REFUNDED):
                return "already_paid"
        if (currency or "").lower() != "vnd" or int(amount) != order.total:
            log_event(
                order,
                "payment_mismatch",
                user=user,
                message=f"{source}: {amount} {currency}",
            )
            _flag(order, _("Số tiền thanh toán không khớp với đơn hàng."))
            return "amount_mismatch"
        if payment is not None:
            payment.status = Payment.Status.SUCCEEDED
            if user is not None and user.is_authenticated:
                payment.confirmed_by = user
            payment.save(update_fields=["status", "confirmed_by", "updated_at"])
        if order.payment_status != Order.PaymentStatus.UNPAID:
            # Paid twice (e.g. two card attempts both completed): keep one.
            log_event(order, "paid_twice", user=user, message=source)
            _flag(order, _("Đơn hàng được thanh toán hai lần: cần hoàn một khoản."))
            return "refund_needed"

        previous = order.status
        order.payment_status = Order.PaymentStatus.PAID
        order.paid_at = timezone.now()
        lines = _order_lines(order)
        outcome = "paid"
        if order.status == Order.Status.AWAITING_PAYMENT:
            stock.sell_held_lines(lines)
        elif order.status == Order.Status.EXPIRED:
            try:
                with transaction.atomic():
                    stock.retake_returned_lines(lines)
                outcome = "late_paid"
            except stock.InsufficientStock:
                outcome = "refund_needed"
        else:
            outcome = "refund_needed"

        if outcome == "refund_needed":
            if order.can_move_to(Order.Status.CANCELLED):
                order.status = Order.Status.CANCELLED
            order.save()
            order.fulfilments.filter(status=Fulfilment.Status.AWAITING_PAYMENT).update(
                status=Fulfilment.Status.CANCELLED
            )
            log_event(
                order,
                "paid_too_late",
                user=user,
                from_status=previous,
                to_status=order.status,
                message=source,
            )
            _flag(
                order,
                _("Tiền đến sau khi hết hạn giữ hàng và hàng đã bán: cần hoàn tiền."),
            )
            return outcome

        order.status = Order.Status.PLACED
        order.needs_attention = False if outcome == "paid" else order.needs_attention
        order.save()
        order.fulfilments.filter(status=Fulfilment.Status.AWAITING_PAYMENT).update(
            status=Fulfilment.Status.NEW
        )
        log_event(
            order,
            "paid",
            user=user,
            from_status=previous,
            to_status=order.status,
            message=source,
        )
    notifications.order_placed(order)
    notifications.new_order_for_cooperatives(order)
    return outcome


def expire_order(order: Order, *, reason: str = "", user=None) -> bool:
    """End an unpaid order whose hold lapsed; its units go back exactly once."""
    return _end_unpaid(order, Order.Status.EXPIRED, "expired", reason, user)


def payment_failed(order: Order, payment: Payment | None = None, *, reason="") -> bool:
    """The buyer's payment failed for good: free the held units."""
    if payment is not None:
        Payment.objects.filter(pk=payment.pk, status=Payment.Status.PENDING).update(
            status=Payment.Status.FAILED, updated_at=timezone.now()
        )
    return _end_unpaid(order, Order.Status.CANCELLED, "payment_failed", reason, None)


def _end_unpaid(order, status, action, reason, user) -> bool:
    with transaction.atomic():
        order = _lock(order)
        if order.status != Order.Status.AWAITING_PAYMENT:
            return False
        stock.return_lines(_order_lines(order))
        order.status = status
        order.save(update_fields=["status", "updated_at"])
        order.payments.filter(status=Payment.Status.PENDING).update(
            status=Payment.Status.EXPIRED, updated_at=timezone.now()
        )
        log_event(
            order,
            action,
            user=user,
            from_status=Order.Status.AWAITING_PAYMENT,
            to_status=status,
            message=reason,
        )
    return True


def overdue_orders(now: datetime | None = None):
    """Unpaid orders whose hold has lapsed (card orders after a grace period,
    since Stripe itself reports the session's expiry)."""
    now = now or timezone.now()
    grace = timedelta(minutes=15)
    return (
        Order.objects.filter(status=Order.Status.AWAITING_PAYMENT)
        .filter(payment_due_at__lt=now)
        .exclude(payment_method=PaymentMethod.CARD, payment_due_at__gte=now - grace)
        .prefetch_related(
            Prefetch(
                "payments",
                queryset=Payment.objects.filter(status=Payment.Status.PENDING),
                to_attr="pending_payments",
            )
        )
        .order_by("payment_due_at", "pk")
    )


def expire_overdue_orders(now: datetime | None = None) -> int:
    """Expire every unpaid order past its hold; returns how many were expired.

    A card order's Stripe session is expired first, so the buyer cannot pay
    into an order whose units went back on sale; a session Stripe reports
    as complete is left for its webhook.
    """
    expired = 0
    for order in overdue_orders(now):
        if order.payment_method == PaymentMethod.CARD and not all(
            stripe_payments.expire_session(payment)
            for payment in order.pending_payments
        ):
            continue
        if expire_order(order, reason="payment_due_at passed"):
            expired += 1
    return expired
