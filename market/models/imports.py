"""Bulk product imports: an uploaded spreadsheet, previewed, then applied whole.

The file itself is kept in the database (bounded in size), not under `media/`,
so a price list is never reachable by URL; the rules that read, check and apply
it live in `market/product_import.py`.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from producers.models import Cooperative


class ProductImport(models.Model):
    """One uploaded product spreadsheet for one cooperative, and what became of it."""

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    class Status(models.TextChoices):
        # Checked and shown to the editor; nothing written yet.
        PREVIEWED = "previewed", _("Đã xem trước")
        # Every row written, in one transaction.
        APPLIED = "applied", _("Đã nhập")

    cooperative = models.ForeignKey(
        Cooperative,
        verbose_name=_("hợp tác xã"),
        on_delete=models.CASCADE,
        related_name="product_imports",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhập"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    file_name = models.CharField(_("tên tệp"), max_length=255)
    file_format = models.CharField(
        _("định dạng"), max_length=10, choices=Format.choices
    )
    data = models.BinaryField(editable=False)
    status = models.CharField(
        _("trạng thái"),
        max_length=20,
        choices=Status.choices,
        default=Status.PREVIEWED,
    )
    row_count = models.PositiveIntegerField(_("số dòng"), default=0)
    new_count = models.PositiveIntegerField(_("mới"), default=0)
    changed_count = models.PositiveIntegerField(_("thay đổi"), default=0)
    unchanged_count = models.PositiveIntegerField(_("không đổi"), default=0)
    error_count = models.PositiveIntegerField(_("lỗi"), default=0)
    # A digest of the changes the preview showed: applying refuses if the
    # catalogue moved since (an order changed stock, someone edited a price).
    plan_digest = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)
    applied_at = models.DateTimeField(_("nhập lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("lần nhập sản phẩm")
        verbose_name_plural = _("nhập sản phẩm")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.file_name} · {self.cooperative}"
