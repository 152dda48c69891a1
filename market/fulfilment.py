"""A cooperative's part of an order, moved on: confirm, pack, ship, deliver, cancel.

One action class per transition, in the manner of Wagtail's `PublishAction`:
the action checks the user's permission, refuses a move `Fulfilment.FLOW`
does not allow, writes the audit record (`OrderEvent`), and carries its side
effects (stock back on cancel, money on delivery, the buyer's e-mail, the
order's completion), so the admin, a command or a test all behave the same.

Each transition locks the order row and then the fulfilment row (the order
first, as `market.ordering` does), re-reads the status under the lock and only
then acts: a double click, or two people at once, moves a fulfilment once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import ClassVar

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from producers.permissions import cooperative_ids_for, sees_all_cooperatives

from . import notifications, settlement, stock
from .models import (
    DeliveryMethod,
    Fulfilment,
    Order,
    OrderEvent,
    Payment,
    PaymentMethod,
)
from .money import format_vnd
from .ordering import log_event

logger = logging.getLogger(__name__)

Status = Fulfilment.Status


class FulfilmentError(Exception):
    """A transition that was refused, with a message for the person who asked."""

    def __init__(self, message, code: str = "invalid"):
        self.message = message
        self.code = code
        super().__init__(str(message))


class TransitionNotAllowed(FulfilmentError):
    """The fulfilment (or its order) is not in a state that allows this move.

    code "already": it is already where this action would take it (a
    repeated click); "illegal": the move is not in `Fulfilment.FLOW`;
    "awaiting_payment": the order is not paid yet; "order_closed": the order
    itself has ended.
    """


class TransitionPermissionDenied(FulfilmentError):
    """The user may not move this fulfilment (not their cooperative's, or no right)."""


def may_change(user, fulfilment: Fulfilment) -> bool:
    """Whether `user` may move `fulfilment` on: their cooperative's, or staff."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if not user.has_perm("market.change_fulfilment"):
        return False
    return sees_all_cooperatives(user) or (
        fulfilment.cooperative_id in cooperative_ids_for(user)
    )


class FulfilmentAction:
    """Move one fulfilment to `target`; subclasses add what the move entails."""

    name: ClassVar[str]
    target: ClassVar[str]
    #: The button in the admin.
    label: ClassVar[str]
    #: Shown once the move is done.
    done_message: ClassVar[str]

    #: The button for a part the buyer picks up at the cooperative, if different.
    pickup_label: ClassVar[str | None] = None

    def __init__(self, fulfilment: Fulfilment, *, user=None, note: str = ""):
        self.fulfilment = fulfilment
        self.user = user
        self.note = (note or "").strip()

    @classmethod
    def label_for(cls, fulfilment: Fulfilment) -> str:
        if cls.pickup_label and fulfilment.delivery_method == DeliveryMethod.PICKUP:
            return cls.pickup_label
        return cls.label

    # -- checks ---------------------------------------------------------------

    def check_permission(self) -> None:
        if not may_change(self.user, self.fulfilment):
            raise TransitionPermissionDenied(
                _("Bạn không có quyền xử lý phần đơn này."), "permission"
            )

    def check(self, skip_permission_checks: bool = False) -> None:
        """Whether the move may be made, judged on the objects in hand."""
        if not skip_permission_checks:
            self.check_permission()
        self.check_state(self.fulfilment, self.fulfilment.order)

    def check_state(self, fulfilment: Fulfilment, order: Order) -> None:
        if fulfilment.status == self.target:
            raise TransitionNotAllowed(
                _("Phần đơn này đã ở trạng thái “%(status)s”.")
                % {"status": fulfilment.get_status_display()},
                "already",
            )
        if fulfilment.status == Status.AWAITING_PAYMENT:
            # The order's payment moves it to NEW; its expiry cancels it.
            raise TransitionNotAllowed(
                _("Đơn hàng chưa được thanh toán: chưa xử lý được phần đơn này."),
                "awaiting_payment",
            )
        if not fulfilment.can_move_to(self.target):
            raise TransitionNotAllowed(
                _("Không thể chuyển phần đơn từ “%(from)s” sang “%(to)s”.")
                % {
                    "from": fulfilment.get_status_display(),
                    "to": Status(self.target).label,
                },
                "illegal",
            )
        if order.status != Order.Status.PLACED:
            raise TransitionNotAllowed(
                _("Đơn hàng đã “%(status)s”: không xử lý tiếp được.")
                % {"status": order.get_status_display()},
                "order_closed",
            )

    def is_available(self, skip_permission_checks: bool = False) -> bool:
        """Whether the action may be offered now (a button, a listed action)."""
        try:
            self.check(skip_permission_checks)
        except FulfilmentError:
            return False
        return True

    # -- the move -------------------------------------------------------------

    def execute(self, skip_permission_checks: bool = False) -> Fulfilment:
        if not skip_permission_checks:
            self.check_permission()
        with transaction.atomic():
            order = Order.objects.select_for_update().get(pk=self.fulfilment.order_id)
            fulfilment = (
                Fulfilment.objects.select_for_update()
                .select_related("cooperative")
                .get(pk=self.fulfilment.pk)
            )
            fulfilment.order = order
            # What was true when the button was shown may not be true now.
            self.check_state(fulfilment, order)
            previous = fulfilment.status
            fulfilment.status = self.target
            changed = ["status", "updated_at", *self.apply(fulfilment)]
            fulfilment.save(update_fields=changed)
            event = log_event(
                order,
                self.name,
                fulfilment=fulfilment,
                user=self.user,
                from_status=previous,
                to_status=fulfilment.status,
                message=self.event_message(fulfilment),
            )
            self.after(fulfilment, order)
            notifications.fulfilment_changed(fulfilment, event)
        self._copy_back(fulfilment)
        return fulfilment

    def apply(self, fulfilment: Fulfilment) -> list[str]:
        """Change the locked row's own fields; returns the names changed."""
        return []

    def event_message(self, fulfilment: Fulfilment) -> str:
        return self.note

    def after(self, fulfilment: Fulfilment, order: Order) -> None:
        """Side effects inside the transaction, with the order row locked."""

    def _copy_back(self, fulfilment: Fulfilment) -> None:
        # The caller's object shows the new state too.
        for name in ("status", "tracking_note", "cash_collected_at", "updated_at"):
            setattr(self.fulfilment, name, getattr(fulfilment, name))
        self.fulfilment.order = fulfilment.order


class ConfirmAction(FulfilmentAction):
    name = "confirm"
    target = Status.CONFIRMED
    label = _("Xác nhận đơn")
    done_message = _("Đã xác nhận phần đơn %(order)s.")


class PackAction(FulfilmentAction):
    name = "pack"
    target = Status.PACKED
    label = _("Đã đóng gói")
    done_message = _("Phần đơn %(order)s đã đóng gói.")


class ShipAction(FulfilmentAction):
    """Sent on its way (or ready for pick-up); the note says by whom or how."""

    name = "ship"
    target = Status.SHIPPED
    label = _("Giao cho vận chuyển")
    pickup_label = _("Báo người mua đến nhận")
    done_message = _("Phần đơn %(order)s đang được giao.")

    def apply(self, fulfilment):
        if not self.note:
            return []
        fulfilment.tracking_note = self.note[:255]
        return ["tracking_note"]


class DeliverAction(FulfilmentAction):
    """The buyer has the goods: cash collected, sale booked, order maybe complete."""

    name = "deliver"
    target = Status.DELIVERED
    label = _("Đã giao cho người mua")
    pickup_label = _("Người mua đã nhận hàng")
    done_message = _("Phần đơn %(order)s đã giao xong.")

    def apply(self, fulfilment):
        if fulfilment.order.payment_method != PaymentMethod.CASH_ON_DELIVERY:
            return []
        fulfilment.cash_collected_at = timezone.now()
        return ["cash_collected_at"]

    def after(self, fulfilment, order):
        if order.payment_method == PaymentMethod.CASH_ON_DELIVERY:
            _mark_cash_order_paid(order, self.user)
        settlement.book_delivery(fulfilment)
        _conclude_order(order, self.user)


class CancelAction(FulfilmentAction):
    """The cooperative cannot fulfil its part: units back, money back."""

    name = "cancel"
    target = Status.CANCELLED
    label = _("Hủy phần đơn")
    done_message = _("Đã hủy phần đơn %(order)s; hàng đã trả về kho.")

    def after(self, fulfilment, order):
        stock.return_lines(fulfilment.lines.all())
        if order.payment_method == PaymentMethod.CASH_ON_DELIVERY:
            # The other parts may all be delivered and paid for already.
            _mark_cash_order_paid(order, self.user)
        elif order.payment_status in (
            Order.PaymentStatus.PAID,
            Order.PaymentStatus.PARTIALLY_REFUNDED,
        ):
            self._give_money_back(fulfilment, order)
        _conclude_order(order, self.user)

    def _give_money_back(self, fulfilment, order):
        amount = fulfilment.total
        if order.payment_method == PaymentMethod.CARD:
            payment = (
                order.payments.filter(
                    method=PaymentMethod.CARD,
                    status__in=[Payment.Status.SUCCEEDED, Payment.Status.REFUNDED],
                )
                .order_by("-attempt")
                .first()
            )
            if payment is not None:
                log_event(
                    order,
                    "refund_requested",
                    fulfilment=fulfilment,
                    user=self.user,
                    message=f"{amount}",
                )
                transaction.on_commit(
                    lambda: _refund_card(order.pk, payment.pk, fulfilment.pk, amount)
                )
                return
        # Bank transfers (and a card payment that cannot be found) are refunded
        # by a person.
        _flag(
            order,
            lambda: (
                _(
                    "Hủy phần đơn của %(cooperative)s: cần hoàn %(amount)s cho người "
                    "mua bằng chuyển khoản."
                )
                % {"cooperative": fulfilment.cooperative.name, "amount": _vnd(amount)}
            ),
        )


ACTIONS: dict[str, type[FulfilmentAction]] = {
    action.name: action
    for action in (ConfirmAction, PackAction, ShipAction, DeliverAction, CancelAction)
}


def available_actions(
    fulfilment: Fulfilment, user, *, skip_permission_checks: bool = False
) -> list[FulfilmentAction]:
    """The actions `user` may take on `fulfilment` now, in the order work happens.

    With `skip_permission_checks`, the caller has already decided who may act
    (the API, for a fulfilment of the token's own cooperative).
    """
    actions = [ACTIONS[name](fulfilment, user=user) for name in ACTIONS]
    return [action for action in actions if action.is_available(skip_permission_checks)]


# -- the plain functions the rest of the code calls --------------------------------


def confirm(fulfilment: Fulfilment, *, user=None) -> Fulfilment:
    return ConfirmAction(fulfilment, user=user).execute(skip_permission_checks=True)


def pack(fulfilment: Fulfilment, *, user=None) -> Fulfilment:
    return PackAction(fulfilment, user=user).execute(skip_permission_checks=True)


def ship(fulfilment: Fulfilment, *, user=None, tracking_note: str = "") -> Fulfilment:
    return ShipAction(fulfilment, user=user, note=tracking_note).execute(
        skip_permission_checks=True
    )


def deliver(fulfilment: Fulfilment, *, user=None) -> Fulfilment:
    return DeliverAction(fulfilment, user=user).execute(skip_permission_checks=True)


def cancel(fulfilment: Fulfilment, *, user=None, reason: str = "") -> Fulfilment:
    return CancelAction(fulfilment, user=user, note=reason).execute(
        skip_permission_checks=True
    )


# -- the order around it ---------------------------------------------------------


def _vnd(amount: int) -> str:
    return format_vnd(amount, settings.LANGUAGE_CODE)


def _flag(order: Order, reason: Callable[[], str]) -> None:
    # Stored text, read by district staff: in the site's language.
    with translation.override(settings.LANGUAGE_CODE):
        text = str(reason())
    order.needs_attention = True
    order.attention_reason = text[:255]
    order.save(update_fields=["needs_attention", "attention_reason", "updated_at"])
    notifications.staff_attention(order)


def _mark_cash_order_paid(order: Order, user) -> None:
    """A cash-on-delivery order is paid once every part still on is delivered."""
    if order.payment_status != Order.PaymentStatus.UNPAID:
        return
    statuses = set(order.fulfilments.values_list("status", flat=True))
    if Status.DELIVERED not in statuses or not statuses <= {
        Status.DELIVERED,
        Status.CANCELLED,
    }:
        return
    order.payment_status = Order.PaymentStatus.PAID
    order.paid_at = timezone.now()
    order.save(update_fields=["payment_status", "paid_at", "updated_at"])
    log_event(order, "cash_paid", user=user, message="cod")


def _conclude_order(order: Order, user) -> None:
    """Complete (or cancel) the order once none of its parts is still on the way."""
    statuses = set(order.fulfilments.values_list("status", flat=True))
    if not statuses or not statuses <= {Status.DELIVERED, Status.CANCELLED}:
        return
    target = (
        Order.Status.CANCELLED
        if statuses == {Status.CANCELLED}
        else Order.Status.COMPLETED
    )
    if not order.can_move_to(target):
        return
    previous = order.status
    order.status = target
    order.save(update_fields=["status", "updated_at"])
    log_event(
        order,
        "completed" if target == Order.Status.COMPLETED else "cancelled",
        user=user,
        from_status=previous,
        to_status=target,
    )


def _refund_card(order_id: int, payment_id: int, fulfilment_id: int, amount: int):
    """Ask Stripe to refund a cancelled part (after commit; flag on failure)."""
    from .payments import stripe as stripe_payments

    payment = Payment.objects.select_related("order").get(pk=payment_id)
    try:
        stripe_payments.refund(
            payment, amount=amount, key_suffix=f"fulfilment-{fulfilment_id}"
        )
    except Exception:
        # The part stays cancelled and its units returned; a person finishes
        # the refund from the Stripe dashboard.
        logger.exception("refund of fulfilment %s failed", fulfilment_id)
        with transaction.atomic():
            order = Order.objects.select_for_update().get(pk=order_id)
            log_event(
                order,
                "refund_failed",
                fulfilment=Fulfilment.objects.get(pk=fulfilment_id),
                message=f"{amount}",
            )
            _flag(
                order,
                lambda: (
                    _("Hoàn tiền thẻ %(amount)s không thành công: cần hoàn thủ công.")
                    % {"amount": _vnd(amount)}
                ),
            )


# Order-wide events a cooperative sees on its part's page. Others (staff's notes,
# payment problems, refunds of other parts) may be about another cooperative.
SHARED_ORDER_EVENTS = frozenset(
    {
        "placed",
        "paid",
        "expired",
        "payment_failed",
        "paid_too_late",
        "cash_paid",
        "completed",
        "cancelled",
    }
)


def timeline(fulfilment: Fulfilment):
    """The events a cooperative sees for its part: its own and the order's."""
    return (
        OrderEvent.objects.filter(order_id=fulfilment.order_id)
        .filter(
            Q(fulfilment=fulfilment)
            | Q(fulfilment__isnull=True, action__in=SHARED_ORDER_EVENTS)
        )
        .select_related("user")
        .order_by("created_at", "pk")
    )
