"""QR codes of lots: they decode to the lot's page, in a small, robust symbol."""

import io

import pytest
import zxingcpp
from django.urls import reverse
from PIL import Image

from producers import qr
from producers.models import Lot
from tests.producers.lot_histories import tea_lot

pytestmark = pytest.mark.django_db

GTIN = "08935000000014"


def decode(png: bytes) -> list[str]:
    return [
        result.text for result in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    ]


def test_the_qr_url_is_the_absolute_upper_case_digital_link():
    lot = tea_lot(gtin=GTIN)
    assert qr.lot_qr_url(lot) == f"HTTP://TESTSERVER/01/{GTIN}/10/CHE-2025-11-A"
    assert qr.lot_qr_url(lot, base_url="https://nongsan.example.vn/") == (
        f"HTTPS://NONGSAN.EXAMPLE.VN/01/{GTIN}/10/CHE-2025-11-A"
    )


def test_a_lot_without_gtin_gets_its_short_path(settings):
    settings.WAGTAILADMIN_BASE_URL = "https://cho.nghean.example"
    lot = tea_lot()
    assert qr.lot_qr_url(lot) == f"HTTPS://CHO.NGHEAN.EXAMPLE/L/{lot.public_id}/"


def test_the_printed_url_has_no_language_prefix_even_when_english_is_active():
    from django.utils import translation

    lot = tea_lot()
    with translation.override("en"):
        assert "/EN/" not in qr.lot_qr_url(lot)


def test_the_upper_case_url_uses_alphanumeric_mode_for_a_smaller_symbol():
    lot = tea_lot(gtin=GTIN)
    upper = qr.lot_qr(lot)
    import segno

    lower = segno.make_qr(qr.lot_qr_url(lot).lower(), error="m", boost_error=True)
    assert upper.mode == "alphanumeric"
    assert upper.version <= lower.version
    assert upper.symbol_size() <= lower.symbol_size()


@pytest.mark.parametrize("gtin", [GTIN, ""])
def test_the_png_decodes_to_the_lot_url_with_error_correction_m_or_better(gtin):
    lot = tea_lot(gtin=gtin)
    assert decode(qr.qr_png_bytes(lot)) == [qr.lot_qr_url(lot)]
    assert qr.lot_qr(lot).error in ("M", "Q", "H")


def test_the_scanned_upper_case_url_opens_the_lot_page(client):
    for gtin in (GTIN, ""):
        lot = tea_lot(code=f"CHE-{gtin or 'SHORT'}", gtin=gtin)
        path = qr.lot_qr_url(lot).removeprefix("HTTP://TESTSERVER")
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.context["lot"] == lot


def test_the_svg_endpoint_serves_a_cacheable_svg(client):
    lot = tea_lot()
    url = reverse("producers:lot_qr_svg", kwargs={"public_id": lot.public_id})
    assert url == f"/l/{lot.public_id}/qr.svg"
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert "max-age=86400" in response["Cache-Control"]
    assert response.content.lstrip().startswith(b"<svg")
    assert b"CHE-2025-11-A" in response.content  # its title, for screen readers


def test_the_png_endpoint_decodes_to_the_lot_url(client):
    lot = tea_lot(gtin=GTIN)
    url = reverse("producers:lot_qr_png", kwargs={"public_id": lot.public_id})
    response = client.get(url, {"scale": "4"})
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "public" in response["Cache-Control"]
    assert decode(response.content) == [qr.lot_qr_url(lot)]


def test_qr_requests_do_not_count_as_scans(client):
    lot = tea_lot()
    client.get(reverse("producers:lot_qr_svg", kwargs={"public_id": lot.public_id}))
    client.get(reverse("producers:lot_qr_png", kwargs={"public_id": lot.public_id}))
    assert Lot.objects.get(pk=lot.pk).scan_count == 0


@pytest.mark.parametrize("scale", ["0", "999", "abc", "-3"])
def test_an_odd_scale_falls_back_to_the_default(client, scale):
    lot = tea_lot()
    url = reverse("producers:lot_qr_png", kwargs={"public_id": lot.public_id})
    response = client.get(url, {"scale": scale})
    assert response.status_code == 200
    assert decode(response.content) == [qr.lot_qr_url(lot)]


def test_the_qr_of_an_unknown_lot_is_a_404(client):
    response = client.get("/l/ZZZZZZZZZZ/qr.png")
    assert response.status_code == 404
