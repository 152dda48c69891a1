"""Orders: one per checkout, split into one fulfilment per cooperative.

The rules that move these rows live in `market/ordering.py` (placing, paying,
expiring), `market/fulfilment.py` (a cooperative's transitions) and
`market/stock.py` (holding and returning units); the models only describe the
states and which moves between them are legal.
"""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from producers import places
from producers.models import (
    Cooperative,
    phone_validator,
    validate_commune,
    validate_province,
)

from .catalogue import Product, Unit


class PaymentMethod(models.TextChoices):
    CARD = "card", _("Thẻ (Stripe)")
    CASH_ON_DELIVERY = "cod", _("Thanh toán khi nhận hàng")
    BANK_TRANSFER = "bank_transfer", _("Chuyển khoản ngân hàng (VietQR)")


class DeliveryMethod(models.TextChoices):
    PICKUP = "pickup", _("Nhận tại hợp tác xã")
    DELIVERY = "delivery", _("Giao tận nơi")


class Order(models.Model):
    """What a buyer placed in one checkout, across one or more cooperatives."""

    class Status(models.TextChoices):
        # Card and bank transfer: units are held until the payment arrives or the
        # hold lapses.
        AWAITING_PAYMENT = "awaiting_payment", _("Chờ thanh toán")
        # Paid, or cash on delivery: the cooperatives fulfil their parts.
        PLACED = "placed", _("Đã đặt")
        COMPLETED = "completed", _("Hoàn tất")
        CANCELLED = "cancelled", _("Đã hủy")
        EXPIRED = "expired", _("Hết hạn thanh toán")

    class PaymentStatus(models.TextChoices):
        UNPAID = "unpaid", _("Chưa thanh toán")
        PAID = "paid", _("Đã thanh toán")
        PARTIALLY_REFUNDED = "partially_refunded", _("Đã hoàn một phần")
        REFUNDED = "refunded", _("Đã hoàn tiền")

    # An order never moves back to an earlier status; the terminal ones are final.
    STATUS_FLOW = {
        Status.AWAITING_PAYMENT: {Status.PLACED, Status.CANCELLED, Status.EXPIRED},
        Status.PLACED: {Status.COMPLETED, Status.CANCELLED},
        Status.COMPLETED: set(),
        Status.CANCELLED: set(),
        # Money that arrives after the hold lapsed revives or cancels the order.
        Status.EXPIRED: {Status.PLACED, Status.CANCELLED},
    }

    number = models.CharField(_("mã đơn hàng"), max_length=20, unique=True)
    # Lets a guest reopen their confirmation page from the link in the e-mail.
    access_token = models.CharField(
        max_length=43, editable=False, default="", db_index=True
    )
    # One order per submitted checkout form, however often it is re-sent.
    checkout_token = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
    )
    contact_name = models.CharField(_("họ tên"), max_length=200)
    phone = models.CharField(
        _("điện thoại"), max_length=20, validators=[phone_validator]
    )
    email = models.EmailField(_("email"))
    province_code = models.PositiveIntegerField(
        _("tỉnh/thành"), validators=[validate_province]
    )
    commune_code = models.PositiveIntegerField(
        _("xã/phường"), validators=[validate_commune]
    )
    street = models.CharField(_("địa chỉ (thôn, xóm, số nhà)"), max_length=255)
    note = models.TextField(_("ghi chú"), blank=True, max_length=1000)
    payment_method = models.CharField(
        _("phương thức thanh toán"), max_length=20, choices=PaymentMethod.choices
    )
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=Status.choices, db_index=True
    )
    payment_status = models.CharField(
        _("thanh toán"),
        max_length=20,
        choices=PaymentStatus.choices,
        default=PaymentStatus.UNPAID,
    )
    goods_total = models.PositiveBigIntegerField(_("tiền hàng"))
    delivery_total = models.PositiveBigIntegerField(_("phí giao hàng"), default=0)
    total = models.PositiveBigIntegerField(_("tổng cộng"))
    # Until when the units stay held for an unpaid card or bank transfer order.
    payment_due_at = models.DateTimeField(
        _("hạn thanh toán"), null=True, blank=True, db_index=True
    )
    paid_at = models.DateTimeField(_("thanh toán lúc"), null=True, blank=True)
    # Set when something needs a person: a late payment refunded, a refund failed.
    needs_attention = models.BooleanField(_("cần xử lý"), default=False)
    attention_reason = models.CharField(
        _("lý do cần xử lý"), max_length=255, blank=True
    )
    created_at = models.DateTimeField(_("đặt lúc"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("đơn hàng")
        verbose_name_plural = _("đơn hàng")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    total=models.F("goods_total") + models.F("delivery_total")
                ),
                name="order_total_is_goods_plus_delivery",
            ),
        ]

    def __str__(self):
        return self.number

    def save(self, *args, **kwargs):
        if not self.access_token:
            self.access_token = secrets.token_urlsafe(32)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse(
            "market:order_confirmation",
            kwargs={"number": self.number, "token": self.access_token},
        )

    def can_move_to(self, status: str) -> bool:
        return status in self.STATUS_FLOW[self.Status(self.status)]

    @property
    def is_paid(self) -> bool:
        return self.payment_status == self.PaymentStatus.PAID

    @property
    def address(self) -> str:
        return places.format_address(self.street, self.commune_code, self.province_code)


class Fulfilment(models.Model):
    """One cooperative's part of an order, which that cooperative packs and sends."""

    class Status(models.TextChoices):
        AWAITING_PAYMENT = "awaiting_payment", _("Chờ thanh toán")
        NEW = "new", _("Mới")
        CONFIRMED = "confirmed", _("Đã xác nhận")
        PACKED = "packed", _("Đã đóng gói")
        SHIPPED = "shipped", _("Đang giao")
        DELIVERED = "delivered", _("Đã giao")
        CANCELLED = "cancelled", _("Đã hủy")

    # The moves a fulfilment may make; anything else is refused.
    FLOW = {
        Status.AWAITING_PAYMENT: {Status.NEW, Status.CANCELLED},
        Status.NEW: {Status.CONFIRMED, Status.CANCELLED},
        Status.CONFIRMED: {Status.PACKED, Status.CANCELLED},
        Status.PACKED: {Status.SHIPPED, Status.CANCELLED},
        Status.SHIPPED: {Status.DELIVERED},
        Status.DELIVERED: set(),
        Status.CANCELLED: set(),
    }
    # States in which the cooperative still holds the goods.
    OPEN = {Status.NEW, Status.CONFIRMED, Status.PACKED}

    order = models.ForeignKey(
        Order,
        verbose_name=_("đơn hàng"),
        on_delete=models.CASCADE,
        related_name="fulfilments",
    )
    cooperative = models.ForeignKey(
        Cooperative,
        verbose_name=_("hợp tác xã"),
        on_delete=models.PROTECT,
        related_name="fulfilments",
    )
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=Status.choices, db_index=True
    )
    delivery_method = models.CharField(
        _("cách nhận hàng"), max_length=20, choices=DeliveryMethod.choices
    )
    goods_total = models.PositiveBigIntegerField(_("tiền hàng"))
    delivery_fee = models.PositiveBigIntegerField(_("phí giao hàng"), default=0)
    # Cash on delivery: when the cooperative received the buyer's cash.
    cash_collected_at = models.DateTimeField(
        _("đã thu tiền mặt lúc"), null=True, blank=True
    )
    tracking_note = models.CharField(
        _("ghi chú vận chuyển"),
        max_length=255,
        blank=True,
        help_text=_("Đơn vị vận chuyển, mã vận đơn hoặc người giao."),
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("phần đơn của hợp tác xã")
        verbose_name_plural = _("đơn hàng của hợp tác xã")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "cooperative"], name="one_fulfilment_per_cooperative"
            )
        ]
        indexes = [models.Index(fields=["cooperative", "status"])]

    def __str__(self):
        return f"{self.order.number} · {self.cooperative}"

    @property
    def total(self) -> int:
        return self.goods_total + self.delivery_fee

    @property
    def cash_to_collect(self) -> int:
        """What the buyer pays on receipt: a cash order's part, until collected."""
        if (
            self.order.payment_method == PaymentMethod.CASH_ON_DELIVERY
            and self.cash_collected_at is None
        ):
            return self.total
        return 0

    def can_move_to(self, status: str) -> bool:
        return status in self.FLOW[self.Status(self.status)]

    def next_statuses(self) -> list[str]:
        return sorted(self.FLOW[self.Status(self.status)], key=list(self.Status).index)


class OrderLine(models.Model):
    """A product bought, with what it was called and cost when it was bought."""

    class StockStatus(models.TextChoices):
        # Held for an order waiting for its payment; returned if the hold lapses.
        HELD = "held", _("Đang giữ")
        # Sold: the units belong to the buyer.
        SOLD = "sold", _("Đã bán")
        RETURNED = "returned", _("Đã trả lại kho")

    fulfilment = models.ForeignKey(
        Fulfilment,
        verbose_name=_("phần đơn"),
        on_delete=models.CASCADE,
        related_name="lines",
    )
    product = models.ForeignKey(
        Product,
        verbose_name=_("sản phẩm"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="order_lines",
    )
    product_name = models.CharField(_("tên sản phẩm"), max_length=200)
    unit = models.CharField(_("đơn vị"), max_length=10, choices=Unit.choices)
    unit_price = models.PositiveBigIntegerField(_("đơn giá"))
    quantity = models.PositiveIntegerField(_("số lượng"))
    lot = models.ForeignKey(
        "producers.Lot",
        verbose_name=_("lô hàng"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="order_lines",
    )
    lot_code = models.CharField(_("mã lô"), max_length=40, blank=True)
    stock_status = models.CharField(
        _("tồn kho"), max_length=10, choices=StockStatus.choices
    )

    class Meta:
        verbose_name = _("dòng đơn hàng")
        verbose_name_plural = _("dòng đơn hàng")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="order_line_quantity_positive"
            )
        ]

    def __str__(self):
        return f"{self.quantity} × {self.product_name}"

    @property
    def line_total(self) -> int:
        return self.unit_price * self.quantity


class OrderEvent(models.Model):
    """The audit trail of an order: every transition, who made it, and when."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    fulfilment = models.ForeignKey(
        Fulfilment,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("việc"), max_length=40)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    message = models.CharField(_("ghi chú"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("nhật ký đơn hàng")
        verbose_name_plural = _("nhật ký đơn hàng")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.order.number}: {self.action}"


class CartLine(models.Model):
    """A signed-in buyer's cart line, kept between visits.

    Guests keep their cart in the session (see `market/cart.py`).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cart_lines"
    )
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField()
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("giỏ hàng")
        verbose_name_plural = _("giỏ hàng")
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "product"], name="one_cart_line_per_product"
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="cart_line_quantity_positive"
            ),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.product}"
