"""The settlement ledger: what the marketplace owes each cooperative, and paid."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from producers.models import Cooperative

from .orders import Fulfilment


class Payout(models.Model):
    """Money the district paid out to a cooperative, recorded by district staff."""

    cooperative = models.ForeignKey(
        Cooperative,
        verbose_name=_("hợp tác xã"),
        on_delete=models.PROTECT,
        related_name="payouts",
    )
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    paid_on = models.DateField(_("ngày chi"))
    reference = models.CharField(
        _("số chứng từ"),
        max_length=100,
        help_text=_("Mã giao dịch ngân hàng hoặc số phiếu chi."),
    )
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ghi"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("khoản chi trả")
        verbose_name_plural = _("chi trả cho hợp tác xã")
        ordering = ["-paid_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="payout_amount_positive"
            )
        ]

    def __str__(self):
        return f"{self.cooperative} · {self.amount} · {self.paid_on}"


class LedgerEntry(models.Model):
    """One signed movement on a cooperative's account with the marketplace.

    Positive amounts are owed to the cooperative, negative ones reduce what it
    is owed; the balance is their sum. Entries are written by
    `market/settlement.py` only and never edited.
    """

    class Kind(models.TextChoices):
        # The goods and delivery of a delivered fulfilment.
        SALE = "sale", _("Doanh thu")
        PLATFORM_FEE = "platform_fee", _("Phí sàn")
        # Cash on delivery: the cooperative already holds the buyer's cash.
        CASH_COLLECTED = "cash_collected", _("Tiền mặt đã thu")
        REFUND = "refund", _("Hoàn tiền")
        PAYOUT = "payout", _("Chi trả")

    cooperative = models.ForeignKey(
        Cooperative,
        verbose_name=_("hợp tác xã"),
        on_delete=models.PROTECT,
        related_name="ledger_entries",
    )
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    amount = models.BigIntegerField(_("số tiền (đồng)"))
    fulfilment = models.ForeignKey(
        Fulfilment,
        verbose_name=_("phần đơn"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_entries",
    )
    payout = models.OneToOneField(
        Payout,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_entry",
    )
    description = models.CharField(_("diễn giải"), max_length=255)
    created_at = models.DateTimeField(_("ghi lúc"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("bút toán")
        verbose_name_plural = _("sổ đối soát")
        ordering = ["created_at", "pk"]
        constraints = [
            # Each fact about a fulfilment is booked once, however often the
            # transition that books it is retried.
            models.UniqueConstraint(
                fields=["fulfilment", "kind"],
                condition=models.Q(fulfilment__isnull=False),
                name="one_ledger_entry_per_fulfilment_kind",
            ),
        ]
        indexes = [models.Index(fields=["cooperative", "created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount}"
