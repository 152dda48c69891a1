"""Payments for orders and the Stripe events that report on them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .orders import Order, PaymentMethod


class Payment(models.Model):
    """One attempt to collect an order's money (a Stripe session, a bank transfer)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Đang chờ")
        SUCCEEDED = "succeeded", _("Thành công")
        FAILED = "failed", _("Thất bại")
        EXPIRED = "expired", _("Hết hạn")
        REFUNDED = "refunded", _("Đã hoàn tiền")

    # A payment only moves forward. Money may still arrive for a session whose
    # hold lapsed (EXPIRED -> SUCCEEDED); it is then kept or refunded.
    FLOW = {
        Status.PENDING: {Status.SUCCEEDED, Status.FAILED, Status.EXPIRED},
        Status.SUCCEEDED: {Status.REFUNDED},
        Status.FAILED: set(),
        Status.EXPIRED: {Status.SUCCEEDED},
        Status.REFUNDED: set(),
    }

    order = models.ForeignKey(
        Order,
        verbose_name=_("đơn hàng"),
        on_delete=models.PROTECT,
        related_name="payments",
    )
    method = models.CharField(
        _("phương thức"), max_length=20, choices=PaymentMethod.choices
    )
    status = models.CharField(
        _("trạng thái"),
        max_length=20,
        choices=Status.choices,
        default=Status.PENDING,
    )
    amount = models.PositiveBigIntegerField(_("số tiền"))
    amount_refunded = models.PositiveBigIntegerField(_("đã hoàn"), default=0)
    # The n-th attempt for this order; with the order number it makes the
    # idempotency key of the Stripe call that created it.
    attempt = models.PositiveSmallIntegerField(default=1)
    idempotency_key = models.CharField(max_length=100, unique=True)
    stripe_session_id = models.CharField(
        max_length=255, unique=True, null=True, blank=True
    )
    stripe_payment_intent_id = models.CharField(
        max_length=255, blank=True, db_index=True
    )
    checkout_url = models.URLField(max_length=2000, blank=True)
    # A bank transfer: the reference the buyer writes, and who saw the money arrive.
    reference = models.CharField(_("nội dung chuyển khoản"), max_length=40, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("thanh toán")
        verbose_name_plural = _("thanh toán")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "attempt"], name="one_payment_per_order_attempt"
            ),
            models.CheckConstraint(
                condition=models.Q(amount_refunded__lte=models.F("amount")),
                name="payment_refund_not_above_amount",
            ),
        ]

    def __str__(self):
        return f"{self.order.number} #{self.attempt} ({self.get_status_display()})"

    def can_move_to(self, status: str) -> bool:
        return status in self.FLOW[self.Status(self.status)]


class StripeEvent(models.Model):
    """A webhook event received from Stripe, stored once by its id."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    # When Stripe created the event: handlers compare it to order out-of-order
    # deliveries, never the time we received it.
    stripe_created = models.DateTimeField()
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name = _("sự kiện Stripe")
        verbose_name_plural = _("sự kiện Stripe")
        ordering = ["-received_at", "-pk"]

    def __str__(self):
        return f"{self.type} {self.event_id}"
