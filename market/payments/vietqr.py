"""VietQR codes for bank transfers: the NAPAS 247 payload and its QR symbol.

VietQR is EMVCo's merchant-presented QR format as NAPAS profiles it for
interbank transfers (service "QRIBFTTA", to an account). The payload is a
string of ID-length-value fields; nested templates are ID-length-value strings
themselves; the last field is a CRC-16/CCITT-FALSE over everything before it,
including its own ID and length ("6304"). Any Vietnamese banking app scanning
the code fills in the bank, account, amount and transfer note.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import datetime

import segno
from anyascii import anyascii
from django.conf import settings
from django.utils.safestring import SafeString, mark_safe

# Field IDs (EMVCo MPM root and the NAPAS merchant account template).
PAYLOAD_FORMAT = "00"
POINT_OF_INITIATION = "01"
MERCHANT_ACCOUNT = "38"
CURRENCY = "53"
AMOUNT = "54"
COUNTRY = "58"
ADDITIONAL_DATA = "62"
CRC = "63"
NAPAS_GUID = "A000000727"
SERVICE_TO_ACCOUNT = "QRIBFTTA"
# A code with an amount is for one payment ("12"); without, reusable ("11").
STATIC, DYNAMIC = "11", "12"
VND_NUMERIC = "704"
# The transfer note ("purpose of transaction") as banks carry it: ASCII letters,
# digits and spaces, at most 25 characters.
NOTE_MAX = 25
_NOT_IN_NOTE = re.compile(r"[^A-Za-z0-9 ]+")


class VietQRError(ValueError):
    """The account details cannot make a valid VietQR payload."""


def crc16_ccitt_false(data: bytes) -> int:
    """CRC-16/CCITT-FALSE: polynomial 0x1021, initial 0xFFFF, no reflection."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _bit in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc


def field(field_id: str, value: str) -> str:
    if not value or len(value) > 99:
        raise VietQRError(f"field {field_id} must hold 1 to 99 characters")
    return f"{field_id}{len(value):02d}{value}"


def transfer_note(text: str) -> str:
    """`text` as banks accept it in a transfer note: unaccented, no punctuation."""
    note = _NOT_IN_NOTE.sub(" ", anyascii(text or ""))
    return " ".join(note.split())[:NOTE_MAX].strip()


def payload(
    *, bin: str, account: str, amount: int | None = None, note: str = ""
) -> str:
    """The VietQR payload for a transfer to `account` at the bank with `bin`.

    `amount` in whole dong (None lets the payer type it); `note` becomes the
    transfer note, folded to what banks accept.
    """
    bin = (bin or "").strip()
    account = (account or "").strip()
    if not re.fullmatch(r"\d{6}", bin):
        raise VietQRError("the bank BIN is six digits")
    if not re.fullmatch(r"[0-9A-Za-z]{1,19}", account):
        raise VietQRError("the account number is 1 to 19 letters or digits")
    beneficiary = field("00", bin) + field("01", account)
    merchant = (
        field("00", NAPAS_GUID)
        + field("01", beneficiary)
        + field("02", SERVICE_TO_ACCOUNT)
    )
    parts = [
        field(PAYLOAD_FORMAT, "01"),
        field(POINT_OF_INITIATION, STATIC if amount is None else DYNAMIC),
        field(MERCHANT_ACCOUNT, merchant),
        field(CURRENCY, VND_NUMERIC),
    ]
    if amount is not None:
        amount = int(amount)
        if amount <= 0 or len(str(amount)) > 13:
            raise VietQRError("the amount is a positive number of at most 13 digits")
        parts.append(field(AMOUNT, str(amount)))
    parts.append(field(COUNTRY, "VN"))
    note = transfer_note(note)
    if note:
        parts.append(field(ADDITIONAL_DATA, field("08", note)))
    body = "".join(parts) + CRC + "04"
    return f"{body}{crc16_ccitt_false(body.encode('ascii')):04X}"


def parse(text: str) -> dict[str, str]:
    """Split a payload into its top-level fields (ID -> value); for checks."""
    fields, position = {}, 0
    while position < len(text):
        field_id = text[position : position + 2]
        length = int(text[position + 2 : position + 4])
        fields[field_id] = text[position + 4 : position + 4 + length]
        position += 4 + length
    return fields


def qr_code(text: str) -> segno.QRCode:
    # M recovers a scuffed print or a cracked phone screen; never a micro QR,
    # which banking apps do not read.
    return segno.make_qr(text, error="m", boost_error=False)


def svg(text: str, *, title: str = "VietQR") -> SafeString:
    """The QR symbol as inline SVG, with the quiet zone scanners need."""
    markup = qr_code(text).svg_inline(
        scale=4,
        border=4,
        title=title,
        svgclass="vietqr__code",
        lineclass=None,
        omitsize=True,
    )
    return mark_safe(markup)  # noqa: S308 - segno's own output; `title` is escaped


def png(text: str, *, scale: int = 6) -> bytes:
    buffer = io.BytesIO()
    qr_code(text).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


@dataclass(frozen=True)
class BankTransfer:
    """What a buyer needs to pay an order by bank transfer."""

    bank_name: str
    bank_bin: str
    account: str
    account_name: str
    amount: int
    reference: str
    due_at: datetime | None
    payload: str

    @property
    def svg(self) -> SafeString:
        return svg(self.payload)

    @property
    def png(self) -> bytes:
        return png(self.payload)


def transfer_reference(order) -> str:
    """The note the buyer writes: the bank payment's reference, else the number."""
    payments = getattr(order, "bank_payments", None)
    if payments is None:
        payments = [
            p
            for p in order.payments.all()
            if p.method == "bank_transfer" and p.reference
        ]
    for payment in payments:
        if payment.reference:
            return payment.reference
    return order.number.replace("-", "")


def for_order(order, *, reference: str | None = None) -> BankTransfer | None:
    """The bank transfer box for `order`, or None if no account is configured."""
    try:
        reference = reference or transfer_reference(order)
        text = payload(
            bin=settings.MARKET_BANK_BIN,
            account=settings.MARKET_BANK_ACCOUNT,
            amount=order.total,
            note=reference,
        )
    except VietQRError:
        return None
    return BankTransfer(
        bank_name=settings.MARKET_BANK_NAME,
        bank_bin=settings.MARKET_BANK_BIN,
        account=settings.MARKET_BANK_ACCOUNT,
        account_name=settings.MARKET_BANK_ACCOUNT_NAME,
        amount=order.total,
        reference=reference,
        due_at=order.payment_due_at,
        payload=text,
    )
