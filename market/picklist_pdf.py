"""Pick and pack lists as an A4 PDF, for printers that print no web page well.

The same `market.picklists.PickList` as the HTML page: per cooperative, the
pick list (one table of products) then the pack slips, several to a page with
a cut line between them, none split across pages. Text is set in the DejaVu
fonts `producers.labels` registers, which have every Vietnamese letter.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.utils import formats
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from producers.labels import FONT, FONT_BOLD, register_fonts

from .money import format_vnd
from .picklists import PackSlip, PickList

MARGIN = 14 * mm
BODY = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=12)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=8, leading=10)
BOLD = ParagraphStyle("bold", parent=BODY, fontName=FONT_BOLD)
TITLE = ParagraphStyle("title", parent=BOLD, fontSize=15, leading=19, spaceAfter=2)
HEADING = ParagraphStyle("heading", parent=BOLD, fontSize=11.5, leading=15)
CASH = ParagraphStyle("cash", parent=BOLD, fontSize=11, leading=14)
NUMBER = ParagraphStyle("number", parent=BODY, alignment=TA_RIGHT)
NUMBER_BOLD = ParagraphStyle("number_bold", parent=BOLD, alignment=TA_RIGHT)

GRID = TableStyle(
    [
        ("FONT", (0, 0), (-1, -1), FONT, 9),
        ("FONT", (0, 0), (-1, 0), FONT_BOLD, 9),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2ea")),
    ]
)


def _p(text, style=BODY) -> Paragraph:
    # Buyers' names and notes are plain text: nothing in them is markup.
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def filename_for(picklist: PickList) -> str:
    return f"soan-hang-{picklist.made_at:%Y%m%d-%H%M}.pdf"


def picklist_pdf(picklist: PickList) -> bytes:
    register_fonts()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=_("Danh sách soạn hàng"),
        creator="nongsan-market",
    )
    made_at = formats.date_format(picklist.made_at, "SHORT_DATETIME_FORMAT")
    story = []
    for index, section in enumerate(picklist.sections):
        if index:
            story.append(PageBreak())
        story += _pick_list(section, made_at, document.width)
        story.append(PageBreak())
        story.append(_p(_("Phiếu đóng gói"), TITLE))
        story.append(_p(f"{section.cooperative.name} · {made_at}", SMALL))
        story.append(Spacer(0, 4 * mm))
        for slip in section.slips:
            story.append(CondPageBreak(40 * mm))
            story.append(KeepTogether(_slip(slip, document.width)))
    document.build(story)
    return buffer.getvalue()


def _pick_list(section, made_at: str, width: float) -> list:
    header = [
        _p(_("Sản phẩm"), BOLD),
        _p(_("Đơn vị"), BOLD),
        _p(_("Tổng số lượng"), NUMBER_BOLD),
        _p(_("Theo lô"), BOLD),
        _p(_("Đơn hàng"), BOLD),
    ]
    rows = [header]
    for item in section.items:
        lots = "\n".join(
            f"{lot.code or _('(không có lô)')}: {lot.quantity}" for lot in item.lots
        )
        rows.append(
            [
                _p(item.name),
                _p(item.unit),
                _p(item.quantity, NUMBER_BOLD),
                _p(lots),
                _p(", ".join(item.orders), SMALL),
            ]
        )
    table = Table(
        rows,
        colWidths=[w * width for w in (0.3, 0.1, 0.12, 0.2, 0.28)],
        repeatRows=1,
    )
    table.setStyle(GRID)
    summary = _("%(orders)s phần đơn · %(units)s đơn vị hàng") % {
        "orders": len(section.slips),
        "units": section.total_units,
    }
    return [
        _p(_("Danh sách lấy hàng"), TITLE),
        _p(f"{section.cooperative.name} · {made_at} · {summary}", SMALL),
        Spacer(0, 4 * mm),
        table,
    ]


def _slip(slip: PackSlip, width: float) -> list:
    order = slip.order
    fulfilment = slip.fulfilment
    facts = [
        _p(_("Đơn %(number)s") % {"number": order.number}, HEADING),
        _p(
            f"{order.contact_name} · {order.phone} · "
            f"{fulfilment.get_delivery_method_display()}"
        ),
    ]
    if slip.address is not None:
        facts.append(_p(_("Giao đến: %(address)s") % {"address": slip.address}))
    rows = [
        [
            _p(_("Sản phẩm"), BOLD),
            _p(_("Mã lô"), BOLD),
            _p(_("Số lượng"), NUMBER_BOLD),
        ]
    ]
    for line in slip.lines:
        rows.append(
            [
                _p(line.product_name),
                _p(line.lot_code or "—"),
                _p(f"{line.quantity} {line.get_unit_display()}", NUMBER),
            ]
        )
    table = Table(rows, colWidths=[0.55 * width, 0.25 * width, 0.2 * width])
    table.setStyle(GRID)
    tail = []
    if order.note:
        tail.append(_p(_("Ghi chú của người mua: %(note)s") % {"note": order.note}))
    if slip.cash_to_collect:
        cash = _("Thu tiền mặt: %(amount)s") % {
            "amount": format_vnd(slip.cash_to_collect)
        }
    else:
        cash = _("Đã thanh toán: không thu tiền")
    tail.append(_p(cash, CASH))
    cut = Table([[""]], colWidths=[width], rowHeights=[3 * mm])
    cut.setStyle(
        TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.6, colors.grey, None, (3, 3))])
    )
    return [
        *facts,
        Spacer(0, 1.5 * mm),
        table,
        Spacer(0, 1.5 * mm),
        *tail,
        cut,
        Spacer(0, 4 * mm),
    ]
