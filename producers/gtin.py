"""GS1 trade item numbers (GTIN-8/12/13/14): one set of rules for forms and links."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import ean
from stdnum.exceptions import ValidationError as NumberError

GTIN_LENGTHS = (8, 12, 13, 14)


def normalise_gtin(value: str) -> str:
    """A GTIN as typed (spaces and dashes allowed) -> 14 digits, check digit verified.

    Empty input gives "". Raises ValidationError with a message a cooperative can
    act on.
    """
    digits = "".join(ch for ch in (value or "") if not ch.isspace() and ch != "-")
    if not digits:
        return ""
    if not digits.isdigit() or len(digits) not in GTIN_LENGTHS:
        raise ValidationError(
            _("GTIN gồm 8, 12, 13 hoặc 14 chữ số (mã vạch in trên bao bì)."),
            code="gtin_format",
        )
    try:
        ean.validate(digits)
    except NumberError as error:
        raise ValidationError(
            _("Số kiểm tra của GTIN không đúng: hãy xem lại các chữ số."),
            code="gtin_check_digit",
        ) from error
    return digits.zfill(14)


def gtin_or_none(value: str) -> str | None:
    """The GTIN as 14 digits, or None when it is not one: for parsing links, where
    a mistyped GTIN must not silently match another product."""
    value = (value or "").strip()
    if not value.isdigit():
        return None
    try:
        return normalise_gtin(value) or None
    except ValidationError:
        return None


def validate_gtin(value: str) -> None:
    """Model field validator: the stored value must be a valid GTIN."""
    normalise_gtin(value)
