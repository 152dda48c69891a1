"""Reading lot references: GS1 Digital Link paths, element strings, short ids.

A buyer reaches a lot by scanning its QR code (a URL), or by typing what is
printed beside it: the short id, or the GTIN and lot code. Everything here is
lenient about case and separators and strict about check digits, so a
mistyped code finds nothing rather than the wrong lot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from .gtin import gtin_or_none
from .models import Lot

LOT_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,39}$")
PUBLIC_ID = re.compile(r"^[A-Z0-9]{6,16}$")
# "/01/<gtin>/10/<lot>" anywhere in a pasted URL (a language prefix may precede it).
_DIGITAL_LINK_PATH = re.compile(r"/01/([^/]+)/10/([^/?#]+)")
_SHORT_PATH = re.compile(r"/l/([^/?#]+)", re.IGNORECASE)
# "(01)08935000000014(10)CHE-1" as printed under a GS1-128 barcode.
_ELEMENT_STRING = re.compile(r"^\(01\)\s*(\d+)\s*\(10\)\s*(\S+)$")
# "08935000000014 CHE-1", "08935000000014/CHE-1", "08935000000014+CHE-1".
_GTIN_AND_LOT = re.compile(r"^(\d{8,14})\s*[\s/+,;]\s*(\S+)$")


def stored_gtin_forms(gtin14: str) -> list[str]:
    """The ways a lot may hold this GTIN (its frozen copy keeps what was typed:
    GTIN-13 or GTIN-14), so 08935000000014 and 8935000000014 find the same lot."""
    forms = [gtin14]
    for length in (13, 12, 8):
        if gtin14[: 14 - length].strip("0") == "":
            forms.append(gtin14[14 - length :])
    return forms


def normalize_lot_code(value: str) -> str | None:
    code = unquote(value or "").strip().upper()
    return code if LOT_CODE.match(code) else None


@dataclass(frozen=True)
class LotReference:
    """What a buyer gave us: a GTIN and lot code, a short id, or a bare lot code."""

    gtin: str = ""
    code: str = ""
    public_id: str = ""


def lot_by_digital_link(gtin: str, code: str) -> Lot | None:
    gtin14, lot_code = gtin_or_none(gtin), normalize_lot_code(code)
    if gtin14 is None or lot_code is None:
        return None
    return (
        _lot_queryset()
        .filter(gtin__in=stored_gtin_forms(gtin14), code=lot_code)
        .order_by("pk")
        .first()
    )


def lot_by_public_id(public_id: str) -> Lot | None:
    public_id = (public_id or "").strip().upper()
    if not PUBLIC_ID.match(public_id):
        return None
    return _lot_queryset().filter(public_id=public_id).first()


def parse_reference(text: str) -> LotReference | None:
    """Read a typed or pasted code; None if it cannot be a lot reference."""
    text = " ".join((text or "").split())
    if not text:
        return None
    if "://" in text or text.startswith("/"):
        path = urlsplit(text).path if "://" in text else text
        if match := _DIGITAL_LINK_PATH.search(path):
            return _gtin_reference(*match.groups())
        if match := _SHORT_PATH.search(path):
            return LotReference(public_id=match.group(1).upper())
        return None
    if match := _ELEMENT_STRING.match(text) or _GTIN_AND_LOT.match(text):
        return _gtin_reference(*match.groups())
    code = normalize_lot_code(text)
    if code is None:
        return None
    if PUBLIC_ID.match(code):
        # A short id and a lot code look alike; the lookup tries both.
        return LotReference(public_id=code, code=code)
    return LotReference(code=code)


def _gtin_reference(gtin: str, code: str) -> LotReference | None:
    gtin14, lot_code = gtin_or_none(gtin), normalize_lot_code(code)
    if gtin14 is None or lot_code is None:
        return None
    return LotReference(gtin=gtin14, code=lot_code)


def find_lots(reference: LotReference, limit: int = 10) -> list[Lot]:
    """The lots a reference names: one, or several when a bare lot code is used by
    more than one cooperative (the buyer then picks theirs)."""
    if reference.gtin:
        lot = lot_by_digital_link(reference.gtin, reference.code)
        return [lot] if lot else []
    if reference.public_id and (lot := lot_by_public_id(reference.public_id)):
        return [lot]
    if reference.code:
        return list(_lot_queryset().filter(code=reference.code)[:limit])
    return []


def _lot_queryset():
    return Lot.objects.select_related("cooperative")
