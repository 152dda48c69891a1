"""On a 360 px phone screen nothing spills sideways; main actions stay reachable."""

import pytest

from tests.browser.helpers import horizontal_overflow
from tests.market.factories import CategoryFactory, ProductFactory
from tests.producers.factories import CertificationFactory, CooperativeFactory

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def catalogue_rows():
    cooperative = CooperativeFactory(
        name="Hợp tác xã Nông nghiệp Dịch vụ Chè Thanh Chương Rất Dài Tên",
        slug="htx-che-thanh-chuong",
        story="<p>Đồi chè xanh bên dòng sông Lam.</p>",
    )
    CertificationFactory(cooperative=cooperative)
    category = CategoryFactory(name="Chè", slug="che")
    for i in range(6):
        ProductFactory(
            cooperative=cooperative,
            category=category,
            name=f"Chè búp khô Thanh Chương đặc biệt loại {i}",
            slug=f"che-bup-kho-{i}",
            price=185000 + i * 1000,
        )
    return cooperative


@pytest.mark.parametrize(
    "path",
    [
        "/san-pham/",
        "/san-pham/?category=che&sort=price&in_stock=on",
        "/tim-kiem/?q=che",
        "/san-pham/che-bup-kho-0/",
        "/hop-tac-xa/",
        "/hop-tac-xa/htx-che-thanh-chuong/",
        "/en/san-pham/",
    ],
)
def test_public_pages_fit_a_360px_phone_screen(
    browser, site_url, catalogue_rows, screenshot, path
):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    response = page.goto(site_url + path)
    assert response.status == 200
    assert horizontal_overflow(page) <= 0
    search_box = page.get_by_role("searchbox").first
    assert search_box.is_visible()
    box = search_box.bounding_box()
    assert box["height"] >= 40  # large enough to tap
    screenshot(f"phone{path}", page)
    context.close()
