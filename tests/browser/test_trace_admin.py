"""On a phone, a cooperative editor records a harvest and a packing event for a lot,
then prints its labels."""

import io

import pypdf
import pytest

from producers.models import BusinessStep, Lot
from producers.roles import add_member, ensure_roles
from producers.traceability import verify_lot
from tests.browser.helpers import PHONE, horizontal_overflow
from tests.producers.factories import (
    CooperativeFactory,
    GrowingAreaFactory,
    LotFactory,
    UserFactory,
)


@pytest.fixture
def lot(site_url):
    ensure_roles()
    cooperative = CooperativeFactory(name="HTX Chè Thanh Chương", slug="htx-che")
    other = CooperativeFactory(name="HTX Khác", slug="htx-khac")
    LotFactory(cooperative=other, code="KHAC-01", product_name="Lô của nơi khác")
    area = GrowingAreaFactory(cooperative=cooperative, name="Đồi chè Hạnh Lâm")
    user = UserFactory(username="hai-che")
    add_member(user, cooperative)
    return LotFactory(
        cooperative=cooperative,
        code="CHE-2026-11-A",
        product_name="Chè búp khô Thanh Chương",
        growing_area=area,
    )


def test_editor_records_harvest_and_packing_on_a_phone_then_prints_labels(
    phone, site_url, lot, screenshot
):
    page = phone
    page.goto(site_url + "/admin/login/")
    page.fill("#id_username", "hai-che")
    page.fill("#id_password", "password")
    page.locator("form button[type=submit]").click()
    page.wait_for_url("**/admin/")

    # From the lot's page, one tap opens the form for this lot.
    page.goto(site_url + f"/admin/snippets/producers/lot/inspect/{lot.pk}/")
    assert horizontal_overflow(page) <= 0
    screenshot("trace-lot-page-phone", page)
    page.get_by_role("link", name="Ghi sự kiện").first.click()
    page.wait_for_url(f"**/admin/truy-xuat/ghi-su-kien/?lot={lot.pk}")
    lot_choice = page.locator("#id_lot")
    assert lot_choice.input_value() == str(lot.pk)
    # Only this cooperative's lots can be chosen.
    options = lot_choice.locator("option").all_inner_texts()
    assert not any("KHAC-01" in option for option in options)
    assert page.locator("#id_event_time").input_value()  # now, filled in

    harvest = page.locator("label.trace-step", has_text="Thu hoạch")
    box = harvest.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 140  # easy to tap
    # The spraying fields stay out of the way until spraying is chosen.
    assert not page.locator("#id_pesticide").is_visible()
    harvest.click()
    page.fill("#id_quantity", "180")
    assert horizontal_overflow(page) <= 0
    assert lot_choice.bounding_box()["width"] <= PHONE["width"]
    screenshot("trace-record-event-phone", page)
    submit = page.get_by_role("button", name="Ghi sự kiện")
    submit.scroll_into_view_if_needed()
    assert submit.bounding_box()["height"] >= 44
    screenshot("trace-record-event-phone-bottom", page)
    page.get_by_role("button", name="Ghi sự kiện").click()
    page.wait_for_url(f"**/admin/truy-xuat/ghi-su-kien/?lot={lot.pk}")
    assert "Đã ghi sự kiện #1" in page.locator(".messages").inner_text()

    page.locator("label.trace-step", has_text="Phun thuốc").click()
    assert page.locator("#id_pesticide").is_visible()
    page.locator("label.trace-step", has_text="Đóng gói").click()
    assert not page.locator("#id_pesticide").is_visible()
    page.fill("#id_quantity", "360")
    page.fill("#id_unit", "túi 500 g")
    page.fill("#id_notes", "Hút chân không túi 500 g")
    page.get_by_role("button", name="Ghi sự kiện").click()
    page.wait_for_url(f"**/admin/truy-xuat/ghi-su-kien/?lot={lot.pk}")
    assert "Đã ghi sự kiện #2" in page.locator(".messages").inner_text()
    screenshot("trace-record-event-phone-recorded", page)

    lot = Lot.objects.get(pk=lot.pk)
    steps = list(lot.events.order_by("sequence").values_list("biz_step", flat=True))
    assert steps == [BusinessStep.COMMISSIONING, BusinessStep.PACKING]
    assert verify_lot(lot) == []

    # The lot's page now lists both events.
    page.goto(site_url + f"/admin/snippets/producers/lot/inspect/{lot.pk}/")
    history = page.locator("table.trace-events")
    assert "Thu hoạch" in history.inner_text() and "Đóng gói" in history.inner_text()
    assert horizontal_overflow(page) <= 0
    history.scroll_into_view_if_needed()
    screenshot("trace-lot-page-phone-events", page)

    # Labels: the form, then the PDF it leads to.
    page.goto(site_url + f"/admin/truy-xuat/nhan/?lot={lot.pk}")
    assert page.locator("#id_lot").input_value() == str(lot.pk)
    page.fill("#id_count", "30")
    assert horizontal_overflow(page) <= 0
    screenshot("trace-labels-phone", page)
    pdf_url = site_url + f"/admin/truy-xuat/nhan/?lot={lot.pk}&count=30"
    response = page.request.get(pdf_url)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.body()))
    assert len(reader.pages) == 2
    assert "CHE-2026-11-A" in reader.pages[0].extract_text()
