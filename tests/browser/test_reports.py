"""District staff open the dashboard on a laptop and on a phone: charts drawn,
tables beside them, nothing wider than the screen."""

import pytest

from producers.roles import make_district_staff
from tests.browser.helpers import PHONE, horizontal_overflow
from tests.market.test_reports import build_sales
from tests.producers.factories import UserFactory

PERIOD = "?date_from=2026-01-01&date_to=2026-02-28"


@pytest.fixture
def staff(site_url):
    build_sales()
    user = UserFactory(username="huyen")
    make_district_staff(user)
    return user


def log_in(page, site_url):
    page.goto(site_url + "/admin/login/")
    page.fill("#id_username", "huyen")
    page.fill("#id_password", "password")
    page.locator("form button[type=submit]").click()
    page.wait_for_url("**/admin/")


def test_staff_read_the_dashboard_charts_on_a_laptop_and_a_phone(
    page, phone, site_url, staff, screenshot
):
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, site_url)
    page.goto(site_url + "/admin/bao-cao/huyen/" + PERIOD)
    assert page.locator(".report-figure", has_text="Doanh số (GMV)").inner_text()
    assert "700.000 ₫" in page.locator(".report-figures").inner_text()
    charts = page.locator("svg[role=img]")
    assert charts.count() == 6
    for index in range(charts.count()):
        chart = charts.nth(index)
        chart.scroll_into_view_if_needed()
        box = chart.bounding_box()
        assert box["width"] > 250 and box["height"] > 80
    # On a laptop each chart sits beside its table.
    month = page.locator("#bang-thang")
    chart_box = month.locator("svg").bounding_box()
    table_box = month.locator("table").bounding_box()
    assert table_box["x"] > chart_box["x"] + chart_box["width"] - 1
    screenshot("reports-dashboard-laptop-end", page)
    page.locator("#bang-thang").scroll_into_view_if_needed()
    screenshot("reports-dashboard-laptop", page)

    log_in(phone, site_url)
    phone.goto(site_url + "/admin/bao-cao/huyen/" + PERIOD)
    assert phone.locator("svg[role=img]").count() == 6
    assert horizontal_overflow(phone) <= 0
    for index in range(6):
        box = phone.locator("svg[role=img]").nth(index).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    screenshot("reports-dashboard-phone", phone)
    for table in ("thang", "hop-tac-xa", "thanh-toan"):
        phone.locator(f"#bang-{table} svg").scroll_into_view_if_needed()
        screenshot(f"reports-dashboard-phone-{table}", phone)

    # Presets are one tap away.
    phone.get_by_role("link", name="Tháng này").click()
    phone.wait_for_url("**preset=month")
    assert "Chưa có dữ liệu" in phone.content()
