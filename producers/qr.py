"""QR codes for lots: the URL printed on a package, drawn with segno.

The URL is upper-cased so the QR code can use alphanumeric mode (0-9, A-Z and
a few symbols, 5.5 bits a character instead of 8), which gives a smaller
symbol for the same error correction; the lot routes accept upper-case paths.
"""

from __future__ import annotations

import io

import segno
from django.conf import settings
from django.utils import translation

from .models import Lot

# M restores about 15 % of a damaged symbol; boost_error raises it further
# whenever that does not make the symbol bigger.
ERROR_CORRECTION = "m"


def lot_path(lot: Lot) -> str:
    """The lot's path without a language prefix: a printed code stays valid
    whichever language the reader's phone asks for."""
    with translation.override(settings.LANGUAGE_CODE):
        return lot.get_absolute_url()


def lot_qr_url(lot: Lot, base_url: str | None = None) -> str:
    """The absolute URL printed in the lot's QR code, upper-cased."""
    base = (base_url or settings.WAGTAILADMIN_BASE_URL).rstrip("/")
    return f"{base}{lot_path(lot)}".upper()


def lot_qr(lot: Lot, base_url: str | None = None) -> segno.QRCode:
    return segno.make_qr(
        lot_qr_url(lot, base_url), error=ERROR_CORRECTION, boost_error=True
    )


def qr_svg_bytes(lot: Lot, *, scale: int = 4, base_url: str | None = None) -> bytes:
    """A standalone SVG of the lot's QR code, with the quiet zone scanners need."""
    buffer = io.BytesIO()
    lot_qr(lot, base_url).save(
        buffer,
        kind="svg",
        scale=scale,
        border=4,
        xmldecl=False,
        svgclass=None,
        lineclass=None,
        title=lot.code,
    )
    return buffer.getvalue()


def qr_png_bytes(lot: Lot, *, scale: int = 8, base_url: str | None = None) -> bytes:
    buffer = io.BytesIO()
    lot_qr(lot, base_url).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()
