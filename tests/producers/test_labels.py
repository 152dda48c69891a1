"""Printable label sheets: a PDF of A4 pages of QR labels for one lot."""

import io

import pypdf
import pytest
import zxingcpp
from django.urls import reverse
from PIL import Image, ImageDraw

from producers import labels
from producers.models import Lot
from producers.qr import lot_qr_url
from tests.producers.factories import CooperativeFactory, LotFactory
from tests.tenancy import build_world

pytestmark = pytest.mark.django_db

LABELS = "trace_labels:index"


@pytest.fixture
def lot():
    cooperative = CooperativeFactory(
        name="Hợp tác xã Nông nghiệp Dịch vụ Chè Thanh Chương", slug="htx-che"
    )
    return LotFactory(
        cooperative=cooperative,
        code="CHE-2026-11-A",
        product_name="Chè búp khô Thanh Chương đặc biệt",
    )


def read(pdf: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(pdf))


def label_form(reader: pypdf.PdfReader):
    """The label drawing: one PDF form placed once per label."""
    (form,) = reader.pages[0]["/Resources"]["/XObject"].values()
    return form.get_object()


def qr_image_from_pdf(reader: pypdf.PdfReader, pixels: int = 8) -> Image.Image:
    """Redraw the QR code from the rectangles in the label's drawing commands."""
    form = label_form(reader)
    rects = [
        [float(v) for v in operands]
        for operands, operator in pypdf.generic.ContentStream(form, reader).operations
        if operator == b"re"
    ]
    module = min(h for _, _, _, h in rects)
    left = min(x for x, _, _, _ in rects)
    bottom = min(y for _, y, _, _ in rects)
    top = max(y + h for _, y, _, h in rects)
    size = round((top - bottom) / module)
    border = 4
    image = Image.new("L", ((size + 2 * border) * pixels,) * 2, 255)
    draw = ImageDraw.Draw(image)
    for x, y, w, h in rects:
        col = round((x - left) / module)
        row = round((top - y - h) / module)
        width = round(w / module)
        draw.rectangle(
            [
                (col + border) * pixels,
                (row + border) * pixels,
                (col + border + width) * pixels - 1,
                (row + border + 1) * pixels - 1,
            ],
            fill=0,
        )
    return image


def test_a_sheet_has_24_labels_per_a4_page_with_vietnamese_text_intact(lot):
    pdf = labels.label_sheet_pdf(lot, 24)

    reader = read(pdf)
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert round(float(page.mediabox.width)) == 595  # A4 in points
    assert round(float(page.mediabox.height)) == 842
    text = page.extract_text()
    assert text.count("CHE-2026-11-A") == 24
    # Wrapped over lines on the label; every diacritic survives.
    flat = " ".join(text.split())
    assert "Chè búp khô Thanh Chương đặc biệt" in flat
    assert "Hợp tác xã Nông nghiệp Dịch vụ Chè Thanh Chương" in flat
    assert "Thu hoạch: 20/11/2026" in flat
    fonts = {
        str(font.get_object()["/BaseFont"])
        for font in label_form(reader)["/Resources"]["/Font"].values()
    }
    assert any("DejaVuSansCondensed" in name for name in fonts)


@pytest.mark.parametrize("count, pages", [(1, 1), (24, 1), (25, 2), (49, 3), (500, 21)])
def test_counts_beyond_one_sheet_fill_more_pages(lot, count, pages):
    reader = read(labels.label_sheet_pdf(lot, count))

    assert len(reader.pages) == pages == labels.pages_for(count)
    last = reader.pages[-1].extract_text()
    expected_on_last = count - (pages - 1) * labels.LABELS_PER_PAGE
    assert last.count("CHE-2026-11-A") == expected_on_last


def test_the_printed_qr_code_decodes_to_the_lots_url(lot):
    Lot.objects.filter(pk=lot.pk).update(gtin="08936054010011")
    lot.refresh_from_db()

    image = qr_image_from_pdf(read(labels.label_sheet_pdf(lot, 3)))

    (result,) = zxingcpp.read_barcodes(image)
    assert result.text == lot_qr_url(lot)
    assert result.text == "HTTP://TESTSERVER/01/08936054010011/10/CHE-2026-11-A"


def test_a_lot_without_gtin_prints_its_short_address(lot):
    image = qr_image_from_pdf(read(labels.label_sheet_pdf(lot, 1)))

    (result,) = zxingcpp.read_barcodes(image)
    assert result.text == f"HTTP://TESTSERVER/L/{lot.public_id}/"


def test_a_long_product_name_is_shortened_to_fit_the_label(lot):
    lot.product_name = "Chè búp khô " * 20
    text = read(labels.label_sheet_pdf(lot, 1)).pages[0].extract_text()
    assert "…" in text
    assert "CHE-2026-11-A" in text


# --- The admin view ---------------------------------------------------------------


@pytest.fixture
def world():
    return build_world()


def test_editor_downloads_a_pdf_of_labels_for_their_lot(
    client, world, django_assert_max_num_queries
):
    client.force_login(world.editor_a)
    with django_assert_max_num_queries(10):
        response = client.get(reverse(LABELS), {"lot": world.lot_a.pk, "count": 30})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="nhan-lo-che-a-01.pdf"'
    reader = read(response.content)
    assert len(reader.pages) == 2
    assert "CHE-A-01" in reader.pages[1].extract_text()


def test_the_label_form_lists_only_ones_own_lots(client, world):
    client.force_login(world.editor_a)
    response = client.get(reverse(LABELS), {"lot": world.lot_a.pk})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert list(response.context["form"].fields["lot"].queryset) == [world.lot_a]
    assert "ZQXB" not in response.text


@pytest.mark.parametrize("count", ["0", "501", "nhiều", ""])
def test_a_count_out_of_range_gets_a_form_error(client, world, count):
    client.force_login(world.editor_a)
    response = client.get(reverse(LABELS), {"lot": world.lot_a.pk, "count": count})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "count" in response.context["form"].errors


def test_another_cooperatives_lot_is_not_found(client, world):
    client.force_login(world.editor_a)
    response = client.get(reverse(LABELS), {"lot": world.lot_b.pk, "count": 24})
    assert response.status_code == 404
    response = client.get(reverse(LABELS), {"lot": "x", "count": 24})
    assert response.status_code == 404


def test_no_new_labels_for_a_recalled_lot(client, world):
    Lot.objects.filter(pk=world.lot_a.pk).update(
        status=Lot.Status.RECALLED, recall_reason="Dư lượng"
    )
    client.force_login(world.editor_a)
    response = client.get(reverse(LABELS), {"lot": world.lot_a.pk, "count": 24})

    assert response["Content-Type"].startswith("text/html")
    assert "thu hồi" in str(response.context["form"].errors["lot"])
