"""Alt text for the photos editors attach to products and cooperatives.

A photo shown for what it depicts needs words a screen reader can say. Each use
of an image (a row of a product's or cooperative's gallery) may carry its own
alt text; without it, the image's description from the image library is used.
A gallery row is refused when neither says anything, so a photo is never
published without a description.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

MISSING = _(
    "Hãy nhập mô tả ảnh cho người khiếm thị (văn bản thay thế): ảnh này chưa có "
    "mô tả trong thư viện ảnh."
)


class PhotoWithAltText(models.Model):
    """An abstract gallery row: `image` with optional alt text of its own."""

    alt_text = models.CharField(
        _("mô tả ảnh cho người khiếm thị"),
        max_length=255,
        blank=True,
        help_text=_(
            "Một câu ngắn nói ảnh cho thấy gì, để trình đọc màn hình đọc lên. "
            "Bắt buộc nếu ảnh chưa có mô tả trong thư viện ảnh."
        ),
    )

    class Meta:
        abstract = True

    @property
    def alt(self) -> str:
        """The words that stand for the photo: this row's, else the image's."""
        own = (self.alt_text or "").strip()
        if own or not self.image_id:
            return own
        return (getattr(self.image, "description", "") or "").strip()

    def clean(self):
        super().clean()
        self.alt_text = (self.alt_text or "").strip()
        if self.image_id and not self.alt:
            raise ValidationError({"alt_text": MISSING})
