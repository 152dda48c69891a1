"""A cooperative editor imports a spreadsheet of products: two bad rows are shown,
the corrected file is previewed and confirmed, and the products are listed."""

import openpyxl
import pytest

from market.models import Product
from producers.roles import add_member, ensure_roles
from tests.market.factories import CategoryFactory, ProductFactory
from tests.producers.factories import CooperativeFactory, UserFactory

HEADINGS = ["Đường dẫn", "Tên sản phẩm", "Danh mục", "Giá (đồng)", "Đơn vị"]
HEADINGS += ["Tồn kho", "Mùa vụ (tháng)", "Đang bán"]


@pytest.fixture
def editor(site_url):
    ensure_roles()
    cooperative = CooperativeFactory(name="HTX Cam Vinh Nghi Lộc", slug="htx-cam")
    CategoryFactory(name="Cam", slug="cam")
    other = CooperativeFactory(name="HTX Khác", slug="htx-khac")
    ProductFactory(cooperative=other, slug="cam-xa-doai", name="Cam của HTX khác")
    user = UserFactory(username="cam-vinh", first_name="Hùng")
    add_member(user, cooperative)
    return user


def spreadsheet(path, rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADINGS)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return str(path)


GOOD = [
    ["cam-vinh-loai-1", "Cam Vinh loại 1", "cam", 45000, "kg", 300, "10-12", "có"],
    ["cam-vinh-hop-qua", "Cam Vinh hộp quà 5 kg", "cam", 250000, "box", 40, "", "có"],
]


def test_editor_fixes_two_bad_rows_and_imports_the_spreadsheet(
    page, site_url, editor, tmp_path, screenshot
):
    page.goto(site_url + "/admin/login/")
    page.fill("#id_username", "cam-vinh")
    page.fill("#id_password", "password")
    page.locator("form button[type=submit]").click()
    page.wait_for_url("**/admin/")

    page.goto(site_url + "/admin/snippets/market/product/")
    # The listing's header menu leads to the import page.
    page.locator("header [data-w-dropdown-target='toggle']").first.click()
    page.get_by_role("link", name="Nhập từ tệp").click()
    page.wait_for_url("**/admin/cho/nhap-san-pham/")
    assert "HTX Cam Vinh Nghi Lộc" in page.locator("main").inner_text()
    bad = spreadsheet(
        tmp_path / "cam.xlsx",
        [
            *GOOD,
            ["cam-xa-doai", "Cam Xã Đoài", "cam", 60000, "kg", 10, "", "có"],
            ["cam-sanh", "Cam sành", "cam", 800, "kg", 50, "", "có"],
        ],
    )
    page.set_input_files("#id_file", bad)
    page.get_by_role("button", name="Kiểm tra tệp").click()
    page.wait_for_url("**/admin/cho/nhap-san-pham/*/**")

    alert = page.locator(".help-critical[role=alert]")
    assert "Có 2 dòng lỗi" in alert.inner_text()
    errors = page.locator("tr[data-status=error]")
    assert errors.count() == 2
    assert "Dòng 4, cột “Đường dẫn”" in errors.nth(0).inner_text()
    assert "HTX Khác" not in errors.nth(0).inner_text()
    assert "Dòng 5, cột “Giá (đồng)”: Giá tối thiểu là 1.000 ₫." in (
        errors.nth(1).inner_text()
    )
    assert page.get_by_role("button", name="Nhập").count() == 0
    screenshot("import-two-bad-rows")
    assert not Product.objects.filter(slug__startswith="cam-vinh").exists()

    fixed = spreadsheet(
        tmp_path / "cam-da-sua.xlsx",
        [
            *GOOD,
            ["cam-xa-doai-nghi-loc", "Cam Xã Đoài", "cam", 60000, "kg", 10, "", "có"],
            ["cam-sanh", "Cam sành", "cam", 35000, "kg", 50, "", "có"],
        ],
    )
    page.get_by_role("link", name="Tải lên tệp đã sửa").click()
    page.set_input_files("#id_file", fixed)
    page.get_by_role("button", name="Kiểm tra tệp").click()
    page.wait_for_url("**/admin/cho/nhap-san-pham/*/**")
    assert page.locator("tr[data-status=new]").count() == 4
    screenshot("import-fixed-preview")

    page.get_by_role("button", name="Nhập 4 sản phẩm").click()
    page.wait_for_url("**/admin/snippets/market/product/**")
    assert "Đã nhập 4 dòng: 4 sản phẩm mới" in page.locator(".messages").inner_text()
    listing = page.locator("main").inner_text()
    for name in ("Cam Vinh loại 1", "Cam Vinh hộp quà 5 kg", "Cam Xã Đoài", "Cam sành"):
        assert name in listing
    screenshot("import-products-listed")
    assert Product.objects.filter(cooperative__slug="htx-cam", live=True).count() == 4
