"""Printable label sheets: A4 pages of QR labels for one lot, as a PDF.

The sheet matches the common 3 × 8 self-adhesive sheets of 70 × 37 mm labels.
Each label carries the lot's QR code (drawn as vector squares from segno's
matrix, so it stays sharp at any printer resolution), the product name, lot
code, harvest date and cooperative. The text uses the DejaVu fonts shipped in
`producers/fonts/`, which have every Vietnamese letter; the PDF embeds them.
"""

from __future__ import annotations

import functools
import io
from pathlib import Path

from django.utils import formats
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from .models import Lot
from .qr import lot_qr, lot_qr_url

LABEL_WIDTH_MM = 70
LABEL_HEIGHT_MM = 37
COLUMNS = 3
ROWS = 8
LABELS_PER_PAGE = COLUMNS * ROWS

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVuSansCondensed"
FONT_BOLD = "DejaVuSansCondensed-Bold"

LABEL_W = LABEL_WIDTH_MM * mm
LABEL_H = LABEL_HEIGHT_MM * mm
PADDING = 2.5 * mm
QR_SIDE = LABEL_H - 2 * 2 * mm  # square, with its own quiet zone inside
QR_BORDER = 3  # modules of quiet zone; the label's margin adds to it
TEXT_X = 2 * mm + QR_SIDE + 1.5 * mm
TEXT_W = LABEL_W - TEXT_X - PADDING


@functools.cache
def register_fonts() -> None:
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_DIR / "DejaVuSansCondensed.ttf")))
    pdfmetrics.registerFont(
        TTFont(FONT_BOLD, str(FONT_DIR / "DejaVuSansCondensed-Bold.ttf"))
    )


def pages_for(count: int) -> int:
    return max(1, -(-count // LABELS_PER_PAGE))


def filename_for(lot: Lot) -> str:
    return f"nhan-lo-{lot.code.lower()}.pdf"


def label_sheet_pdf(lot: Lot, count: int, *, base_url: str | None = None) -> bytes:
    """`count` labels for `lot`, filling A4 sheets left to right, top to bottom."""
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(_("Nhãn lô %(code)s") % {"code": lot.code})
    canvas.setAuthor(lot.cooperative.name)
    canvas.setSubject(lot_qr_url(lot, base_url))
    canvas.setCreator("nongsan-market")

    # The label is drawn once, as a PDF form, and placed `count` times: a sheet
    # of 24 stays as small as one label.
    _define_label(canvas, lot, base_url)
    page_w, page_h = A4
    left = (page_w - COLUMNS * LABEL_W) / 2
    top = (page_h - ROWS * LABEL_H) / 2
    for index in range(count):
        slot = index % LABELS_PER_PAGE
        if index and slot == 0:
            canvas.showPage()
        column, row = slot % COLUMNS, slot // COLUMNS
        canvas.saveState()
        canvas.translate(left + column * LABEL_W, page_h - top - (row + 1) * LABEL_H)
        canvas.doForm("label")
        canvas.restoreState()
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _define_label(canvas: Canvas, lot: Lot, base_url: str | None) -> None:
    canvas.beginForm("label", 0, 0, LABEL_W, LABEL_H)
    _draw_qr(canvas, lot, base_url)
    _draw_text(canvas, lot)
    canvas.endForm()


def _draw_qr(canvas: Canvas, lot: Lot, base_url: str | None) -> None:
    matrix = [list(row) for row in lot_qr(lot, base_url).matrix]
    size = len(matrix) + 2 * QR_BORDER
    module = QR_SIDE / size
    origin_x = 2 * mm + QR_BORDER * module
    origin_y = 2 * mm + QR_BORDER * module
    path = canvas.beginPath()
    for r, row in enumerate(matrix):
        y = origin_y + (len(matrix) - 1 - r) * module
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                # One rectangle per run of dark modules; a single filled path,
                # so neighbouring rows join without hairline gaps.
                path.rect(origin_x + start * module, y, (c - start) * module, module)
            else:
                c += 1
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawPath(path, stroke=0, fill=1)


def _fit(text: str, font: str, size: float, max_lines: int, min_size: float):
    """Lines of `text` wrapped to the text column, shrinking the font to fit."""
    while True:
        lines = simpleSplit(text, font, size, TEXT_W) or [""]
        if len(lines) <= max_lines or size <= min_size:
            break
        size -= 0.5
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and pdfmetrics.stringWidth(last + "…", font, size) > TEXT_W:
            last = last[:-1]
        lines[-1] = last.rstrip() + "…"
    return lines, size


def _write(canvas: Canvas, lines, font: str, size: float, y: float) -> float:
    canvas.setFont(font, size)
    leading = size * 1.18
    for line in lines:
        y -= size
        canvas.drawString(TEXT_X, y, line)
        y -= leading - size
    return y


def _draw_text(canvas: Canvas, lot: Lot) -> None:
    canvas.setFillColorRGB(0, 0, 0)
    y = LABEL_H - PADDING
    lines, size = _fit(lot.product_name, FONT_BOLD, 9, 3, 6.5)
    y = _write(canvas, lines, FONT_BOLD, size, y) - 1.2 * mm

    lines, size = _fit(_("Lô: %(code)s") % {"code": lot.code}, FONT_BOLD, 8, 2, 5.5)
    y = _write(canvas, lines, FONT_BOLD, size, y)
    if lot.harvest_date:
        harvested = _("Thu hoạch: %(date)s") % {
            "date": formats.date_format(lot.harvest_date, "SHORT_DATE_FORMAT")
        }
        lines, size = _fit(harvested, FONT, 7, 1, 5.5)
        _write(canvas, lines, FONT, size, y - 0.3 * mm)

    # The cooperative sits at the bottom, under a short call to scan.
    cooperative, coop_size = _fit(lot.cooperative.name, FONT, 6.5, 2, 5)
    scan, scan_size = _fit(_("Quét mã để xem nguồn gốc"), FONT, 5.5, 1, 4.5)
    height = len(cooperative) * coop_size * 1.18 + scan_size * 1.18
    y = PADDING + height
    y = _write(canvas, scan, FONT, scan_size, y)
    _write(canvas, cooperative, FONT, coop_size, y)
