"""Every upload point refuses what could hurt: disguised markup, bombs, oversize files.

Images (the admin's add page, its multiple upload and the chooser's upload tab),
documents (add, multiple upload, and how they are served), trace evidence, and
product spreadsheets. A refusal is a message on the form, never a server error,
and nothing is left behind: no row, no file in the media folder.
"""

import io
import struct
import time
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.users.models import UserProfile

from market.models import ProductImport
from producers.models import TraceEvidence
from tests.tenancy import build_world, record_event_form_data

pytestmark = pytest.mark.django_db

HTML = (
    b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
)
SVG = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" '
    b'onload="alert(1)"><script>alert(2)</script></svg>'
)
PHP = b"\xef\xbb\xbf  <?php system($_GET['c']); ?>"


def picture(kind="PNG", size=(64, 48)) -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", size, (40, 120, 60)).save(out, kind)
    return out.getvalue()


def _chunk(kind: bytes, body: bytes) -> bytes:
    return (
        struct.pack(">I", len(body))
        + kind
        + body
        + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    )


def png_bomb(width=30_000, height=30_000) -> bytes:
    """A real PNG of width × height black pixels (1 bit each), a few hundred KB.

    Decoded it is 900 million pixels: 110 MB as Pillow keeps it, 2.7 GB once
    converted to RGB for a rendition. Built row by row, never whole in memory.
    """
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte + packed bits
    compressor = zlib.compressobj(9)
    parts = [compressor.compress(row) for _ in range(height)]
    parts.append(compressor.flush())
    idat = b"".join(parts)
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", idat)
        + _chunk(b"IEND", b"")
    )


def media_files(folder: str) -> set[Path]:
    root = Path(settings.MEDIA_ROOT) / folder
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def editor(client, world):
    client.force_login(world.editor_a)
    return world.editor_a


def file_error(response) -> str:
    assert response.status_code == 200
    return " ".join(response.context["form"].errors.get("file", []))


# --- Images -----------------------------------------------------------------------

DISGUISED = [
    ("trang.jpg", HTML, "trang web, ảnh SVG hay mã lệnh"),
    ("logo.png", SVG, "trang web, ảnh SVG hay mã lệnh"),
    ("anh.gif", PHP, "trang web, ảnh SVG hay mã lệnh"),
    ("logo.svg", SVG, "chỉ nhận"),
    ("anh.webp", b"MZ\x90\x00\x03" + b"\x00" * 200, "không phải là tệp WebP"),
    ("anh.jpg", picture("PNG"), "không phải là tệp JPEG"),
]


@pytest.mark.parametrize("name, content, message", DISGUISED)
def test_image_add_page_refuses_files_that_are_not_what_they_claim(
    client, editor, name, content, message
):
    before = get_image_model().objects.count()
    files = media_files("original_images")
    response = client.post(
        reverse("wagtailimages:add"),
        {"title": "Ảnh lạ", "file": SimpleUploadedFile(name, content, "image/jpeg")},
    )
    assert message in file_error(response)
    assert get_image_model().objects.count() == before
    assert media_files("original_images") == files


@pytest.mark.parametrize("name, content, message", DISGUISED[:4])
def test_multiple_image_upload_refuses_disguised_files(
    client, editor, name, content, message
):
    before = get_image_model().objects.count()
    files = media_files("original_images")
    response = client.post(
        reverse("wagtailimages:add_multiple"),
        {"files[]": SimpleUploadedFile(name, content, "image/png")},
    )
    assert response.status_code == 200
    answer = response.json()
    assert answer["success"] is False
    assert message in answer["error_message"]
    assert get_image_model().objects.count() == before
    assert media_files("original_images") == files


def test_chooser_upload_refuses_markup(client, editor):
    before = get_image_model().objects.count()
    response = client.post(
        reverse("wagtailimages_chooser:create"),
        {
            "image-chooser-upload-title": "x",
            "image-chooser-upload-file": (
                SimpleUploadedFile("x.png", SVG, "image/png")
            ),
        },
    )
    assert response.status_code == 200
    assert "trang web, ảnh SVG hay mã lệnh" in response.json()["htmlFragment"]
    assert get_image_model().objects.count() == before


def test_real_photos_are_still_accepted(client, editor):
    photos = [
        ("che.jpg", "JPEG"),
        ("cam.png", "PNG"),
        ("ong.webp", "WEBP"),
        ("lua.gif", "GIF"),
        ("hoa.avif", "AVIF"),
    ]
    for name, kind in photos:
        response = client.post(
            reverse("wagtailimages:add"),
            {"title": name, "file": SimpleUploadedFile(name, picture(kind), "x/y")},
        )
        assert response.status_code == 302, response.context["form"].errors
    response = client.post(
        reverse("wagtailimages:add_multiple"),
        {"files[]": SimpleUploadedFile("gao.jpg", picture("JPEG"), "image/jpeg")},
    )
    assert response.json()["success"] is True
    assert get_image_model().objects.filter(title="gao.jpg").exists()


def _peak_rss_reset() -> bool:
    """Reset this process's peak RSS (Linux), so VmHWM measures what follows."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def test_a_decompression_bomb_is_refused_from_its_header_in_bounded_memory(
    client, editor
):
    bomb = png_bomb()
    assert len(bomb) < 400_000  # a few hundred KB on the wire...
    before = get_image_model().objects.count()
    files = media_files("original_images")

    measured_rss = _peak_rss_reset()
    rss_before = _status_kb("VmRSS")
    tracemalloc.start()
    started = time.perf_counter()
    response = client.post(
        reverse("wagtailimages:add"),
        {"title": "Bom", "file": SimpleUploadedFile("bom.png", bomb, "image/png")},
    )
    elapsed = time.perf_counter() - started
    _, python_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_growth_kb = _status_kb("VmHWM") - rss_before

    assert "quá nhiều điểm ảnh" in file_error(response)
    assert get_image_model().objects.count() == before
    assert media_files("original_images") == files
    # ...110 MB decoded: it never is. The whole request stays within a few MB.
    assert elapsed < 5
    assert python_peak < 16 * 1024 * 1024, python_peak
    if measured_rss:
        assert rss_growth_kb < 40 * 1024, rss_growth_kb
    print(
        f"\nbomb {len(bomb)} bytes: refused in {elapsed * 1000:.0f} ms, "
        f"Python peak {python_peak / 1024 / 1024:.1f} MB, "
        f"peak RSS growth {rss_growth_kb / 1024:.1f} MB"
    )


def test_an_image_over_the_pixel_limit_is_refused(client, editor, settings):
    # 10,000 × 8,000 = 80 million pixels, twice the site's 40 million.
    big = png_bomb(10_000, 8_000)
    response = client.post(
        reverse("wagtailimages:add"),
        {"title": "To", "file": SimpleUploadedFile("to.png", big, "image/png")},
    )
    assert "quá nhiều điểm ảnh" in file_error(response)
    response = client.post(
        reverse("wagtailimages:add_multiple"),
        {"files[]": SimpleUploadedFile("to.png", big, "image/png")},
    )
    assert "quá nhiều điểm ảnh" in response.json()["error_message"]

    # Under a lower limit, the message says how big the image is.
    settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS = 1_000_000
    response = client.post(
        reverse("wagtailimages:add"),
        {
            "title": "Vừa",
            "file": SimpleUploadedFile("vua.png", picture("PNG", (1200, 1000))),
        },
    )
    assert "quá nhiều điểm ảnh (1200 × 1000): tối đa 1 triệu" in file_error(response)
    assert not get_image_model().objects.filter(title__in=["To", "Vừa"]).exists()


def test_a_profile_picture_bomb_is_refused_in_bounded_memory(client, editor):
    """The admin's own profile picture form opens and resizes with Pillow."""

    def post(name, content):
        return client.post(
            reverse("wagtailadmin_account"),
            {
                "avatar-avatar": SimpleUploadedFile(name, content, "image/png"),
                "name_email-first_name": "Lan",
                "name_email-last_name": "Nguyễn",
                "name_email-email": "lan@example.vn",
                "locale-preferred_language": "vi",
                "locale-current_time_zone": "",
                "theme-theme": "system",
                "theme-density": "default",
                "theme-contrast": "system",
            },
        )

    bomb = png_bomb(12_000, 12_000)  # 144 million pixels, 140 MB decoded
    measured_rss = _peak_rss_reset()
    rss_before = _status_kb("VmRSS")
    response = post("mat.png", bomb)
    rss_growth_kb = _status_kb("VmHWM") - rss_before
    assert response.status_code == 200
    assert not UserProfile.get_for_user(editor).avatar
    if measured_rss:
        assert rss_growth_kb < 40 * 1024, rss_growth_kb

    # The same form with a real photo is saved: only the picture was refused.
    assert post("mat.png", picture("PNG", (500, 500))).status_code == 302
    assert UserProfile.get_for_user(editor).avatar


def test_an_image_over_the_size_limit_is_refused_before_it_is_opened(client, editor):
    limit = settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE
    oversize = picture("PNG") + b"\x00" * limit
    response = client.post(
        reverse("wagtailimages:add"),
        {"title": "Lớn", "file": SimpleUploadedFile("lon.png", oversize, "image/png")},
    )
    assert "quá lớn" in file_error(response)
    assert "tối đa 8,0" in file_error(response) or "tối đa 8.0" in file_error(response)
    assert not get_image_model().objects.filter(title="Lớn").exists()


# --- Documents --------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("giay-chung-nhan.pdf", HTML, "trang web, ảnh SVG hay mã lệnh"),
        ("giay.png", SVG, "trang web, ảnh SVG hay mã lệnh"),
        ("giay.html", HTML, "chỉ nhận"),
        ("giay.svg", SVG, "chỉ nhận"),
        ("giay.pdf", picture("PNG"), "không phải là tệp PDF"),
    ],
)
def test_document_uploads_refuse_markup_and_lies(
    client, editor, name, content, message
):
    before = get_document_model().objects.count()
    files = media_files("documents")
    response = client.post(
        reverse("wagtaildocs:add"),
        {"title": "Giấy", "file": SimpleUploadedFile(name, content, "application/pdf")},
    )
    assert message in file_error(response)
    response = client.post(
        reverse("wagtaildocs:add_multiple"),
        {"files[]": SimpleUploadedFile(name, content, "application/pdf")},
    )
    assert response.json()["success"] is False
    assert get_document_model().objects.count() == before
    assert media_files("documents") == files


def test_a_document_over_the_size_limit_is_refused(client, editor, settings):
    settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = 2048
    response = client.post(
        reverse("wagtaildocs:add"),
        {
            "title": "Lớn",
            "file": SimpleUploadedFile("lon.pdf", b"%PDF-1.4\n" + b"0" * 4096),
        },
    )
    assert file_error(response)
    assert not get_document_model().objects.filter(title="Lớn").exists()


def test_documents_are_served_inert(client, editor):
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    for name, content in [("chung-nhan.pdf", pdf), ("anh.jpg", picture("JPEG"))]:
        response = client.post(
            reverse("wagtaildocs:add"),
            # The browser's claimed type is not believed.
            {"title": name, "file": SimpleUploadedFile(name, content, "text/html")},
        )
        assert response.status_code == 302

    documents = get_document_model().objects
    served = client.get(documents.get(title="chung-nhan.pdf").url)
    assert served["Content-Type"] == "application/pdf"
    assert served["Content-Disposition"].startswith("inline")
    assert served["Content-Security-Policy"] == "default-src 'none'"
    assert served["X-Content-Type-Options"] == "nosniff"

    served = client.get(documents.get(title="anh.jpg").url)
    assert served["Content-Type"] == "image/jpeg"
    assert served["Content-Disposition"].startswith("attachment")
    assert served["X-Content-Type-Options"] == "nosniff"


# --- Trace evidence -----------------------------------------------------------------


@pytest.mark.parametrize(
    "name, content",
    [("ket-qua.pdf", HTML), ("mau.png", SVG), ("mau.jpg", PHP), ("x.svg", SVG)],
)
def test_trace_evidence_refuses_markup_in_disguise(client, world, name, content):
    client.force_login(world.editor_a)
    data = record_event_form_data(world.lot_a)
    data["evidence"] = [SimpleUploadedFile(name, content, "application/pdf")]
    events = world.lot_a.events.count()
    files = media_files("trace-evidence")
    response = client.post(reverse("trace_record:index"), data)

    assert response.status_code == 200
    errors = str(response.context["form"].errors["evidence"])
    assert "trang web, ảnh SVG hay mã lệnh" in errors or "chỉ nhận" in errors
    assert world.lot_a.events.count() == events
    assert media_files("trace-evidence") == files


def test_trace_evidence_keeps_the_type_its_content_shows(client, world):
    client.force_login(world.editor_a)
    data = record_event_form_data(world.lot_a)
    # A real PNG the browser said was a web page: stored (and sent to S3) as PNG.
    data["evidence"] = [SimpleUploadedFile("mau.png", picture("PNG"), "text/html")]
    response = client.post(reverse("trace_record:index"), data)

    assert response.status_code == 302
    evidence = TraceEvidence.objects.get(event__lot=world.lot_a)
    assert evidence.content_type == "image/png"


# --- Product spreadsheets -----------------------------------------------------------


def workbook_bytes() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Tên sản phẩm", "Giá"])
    sheet.append(["Chè xanh", 150000])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def rewritten(data: bytes, change) -> bytes:
    """The workbook with each member passed through change(name, bytes)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, change(info.filename, source.read(info)))
    return out.getvalue()


def import_upload(client, world, data):
    before = ProductImport.objects.count()
    response = client.post(
        reverse("market_product_import:index"),
        {
            "cooperative": world.coop_a.pk,
            "file": SimpleUploadedFile("san-pham.xlsx", data, "application/zip"),
        },
    )
    assert ProductImport.objects.count() == before
    return response


def test_an_xlsx_declaring_xml_entities_is_refused(client, editor, world):
    entities = [b'<!ENTITY lol0 "lol">'] + [
        b'<!ENTITY lol%d "%s">' % (i, b"&lol%d;" % (i - 1) * 10) for i in range(1, 10)
    ]
    laughs = b'<?xml version="1.0"?><!DOCTYPE lolz [' + b"".join(entities) + b"]>"

    def change(name, content):
        if name.endswith("sheet1.xml"):
            body = content.split(b"?>", 1)[-1]
            return laughs + body.replace(b"Ch\xc3\xa8 xanh", b"&lol9;")
        return content

    response = import_upload(client, world, rewritten(workbook_bytes(), change))
    assert "khai báo XML" in file_error(response)


def test_an_xlsx_with_too_many_parts_is_refused(client, editor, world):
    data = workbook_bytes()
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        for number in range(300):
            archive.writestr(f"xl/media/p{number}.bin", b"x")
    response = import_upload(client, world, out.getvalue())
    assert "bung ra quá lớn" in file_error(response)


def test_an_xlsx_zip_bomb_is_refused(client, editor, world):
    def change(name, content):
        if name.endswith("sheet1.xml"):
            # 80 MB of spaces inside the sheet: a few hundred KB compressed.
            return content.replace(b"<sheetData>", b"<sheetData>" + b" " * 80_000_000)
        return content

    bomb = rewritten(workbook_bytes(), change)
    assert len(bomb) < 1_000_000
    response = import_upload(client, world, bomb)
    assert "bung ra quá lớn" in file_error(response)


def test_an_xlsx_claiming_a_huge_sheet_is_read_quickly(client, editor, world):
    """A sheet can declare 16,384 columns and a million rows: none are padded out."""

    def change(name, content):
        if name.endswith("sheet1.xml"):
            content = content.replace(
                b'<dimension ref="A1:B2"/>', b'<dimension ref="A1:XFD1048576"/>'
            )
            return content.replace(
                b"</sheetData>",
                b'<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row>'
                b"</sheetData>",
            )
        return content

    started = time.perf_counter()
    response = import_upload(client, world, rewritten(workbook_bytes(), change))
    elapsed = time.perf_counter() - started
    assert response.status_code == 200
    assert "dòng sản phẩm" in file_error(response)
    assert elapsed < 5


def test_a_csv_that_is_really_html_is_not_imported_as_products(client, editor, world):
    before = ProductImport.objects.count()
    response = client.post(
        reverse("market_product_import:index"),
        {
            "cooperative": world.coop_a.pk,
            "file": SimpleUploadedFile("san-pham.csv", HTML, "text/csv"),
        },
    )
    assert response.status_code == 200
    assert file_error(response)
    assert ProductImport.objects.count() == before
