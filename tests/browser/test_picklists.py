"""A cooperative editor prints the day's pick list and pack slips, on a laptop and
on a phone."""

import datetime
import io

import pypdf
import pytest

from market import fulfilment as fulfilment_actions
from market.models import DeliveryMethod
from producers.roles import add_member, ensure_roles
from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import horizontal_overflow
from tests.market.factories import ProductFactory
from tests.market.orders import place
from tests.producers.factories import CooperativeFactory, LotFactory, UserFactory


@pytest.fixture
def orders(site_url):
    ensure_roles()
    coop = CooperativeFactory(name="Hợp tác xã Chè Thanh Chương", slug="htx-che")
    editor = UserFactory(username="dong-goi")
    add_member(editor, coop)
    tea = ProductFactory(
        cooperative=coop, name="Chè búp khô Thanh Chương", unit="kg", stock=50
    )
    honey = ProductFactory(
        cooperative=coop, name="Mật ong rừng Pù Mát", unit="chai", stock=50
    )
    tea.lots.add(
        LotFactory(
            cooperative=coop,
            code="CHE-2026-11-A",
            harvest_date=datetime.date(2026, 11, 2),
        )
    )
    tea.save()
    lan = place(
        [(tea, 2), (honey, 1)],
        contact_name="Nguyễn Thị Lan",
        note="Gọi trước khi giao, nhà sau trường tiểu học",
    )
    hung = place(
        [(tea, 3)],
        contact_name="Trần Văn Hùng",
        delivery={coop.pk: DeliveryMethod.PICKUP},
    )
    place([(honey, 1)], contact_name="Lê Văn Nam")  # new, not confirmed yet
    for order in (lan, hung):
        fulfilment_actions.confirm(order.fulfilments.get(), user=editor)
    return lan, hung


def _log_in(page, site_url):
    page.goto(site_url + "/admin/login/")
    page.fill("#id_username", "dong-goi")
    page.fill("#id_password", "password")
    page.locator("form button[type=submit]").click()
    page.wait_for_url("**/admin/")


def test_editor_prints_the_pick_list_and_pack_slips(
    page, phone, site_url, orders, screenshot
):
    lan, hung = orders
    page.set_viewport_size({"width": 1280, "height": 900})
    _log_in(page, site_url)
    page.goto(site_url + "/admin/don-hang/hop-tac-xa/")
    page.get_by_role("link", name="Soạn hàng").first.click()
    page.wait_for_url("**/admin/don-hang/soan-hang/")
    ticks = page.locator("input[name=id]")
    assert ticks.count() == 2  # the confirmed ones, both ticked
    assert all(ticks.nth(i).is_checked() for i in range(2))
    assert "Lê Văn Nam" not in page.locator("table.listing").inner_text()
    screenshot("picklist-choose-laptop", page)

    page.get_by_role("button", name="Xem và in danh sách").click()
    page.wait_for_url("**/admin/don-hang/soan-hang/in/?id=*")
    pick = page.locator("section.pick")
    assert "Chè búp khô Thanh Chương" in pick.inner_text()
    assert "CHE-2026-11-A: 5" in pick.inner_text()
    slips = page.locator("article.slip")
    assert slips.count() == 2
    text = page.locator("section.slips").inner_text()
    assert "Nguyễn Thị Lan" in text and "Nhận tại hợp tác xã" in text
    assert "Thu tiền mặt" in text
    screenshot("picklist-print-laptop", page)
    page.emulate_media(media="print")
    assert not page.locator(".tools").is_visible()  # no buttons on paper
    screenshot("picklist-print-media", page)

    # The PDF of the same choice, kept for review next to the screenshots.
    pdf = page.request.get(page.url.replace("/in/", "/pdf/"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "picklist.pdf").write_bytes(pdf.body())
    reader = pypdf.PdfReader(io.BytesIO(pdf.body()))
    assert "Trần Văn Hùng" in "".join(p.extract_text() for p in reader.pages)

    # On a phone, the same page fits the screen.
    _log_in(phone, site_url)
    phone.goto(page.url)
    assert phone.locator("article.slip").count() == 2
    assert horizontal_overflow(phone) <= 0
    screenshot("picklist-print-phone", phone)
    phone.goto(site_url + "/admin/don-hang/soan-hang/")
    screenshot("picklist-choose-phone", phone)
