"""Report pages in the admin: who may open them, the period form, exports, queries."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from market.models import Order
from producers.roles import add_member, make_district_staff
from tests.market.factories import ProductFactory
from tests.market.orders import place
from tests.market.test_reports import build_sales
from tests.producers.factories import CooperativeFactory, UserFactory

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("market_district_report:index")
COOPERATIVES = reverse("market_cooperative_report:index")
SALES_PERIOD = "date_from=2026-01-01&date_to=2026-02-28"


def cooperative_url(cooperative, query=""):
    url = reverse("market_cooperative_report:cooperative", args=(cooperative.pk,))
    return f"{url}?{query}" if query else url


@pytest.fixture
def sales():
    return build_sales()


@pytest.fixture
def staff():
    user = UserFactory(username="huyen")
    make_district_staff(user)
    return user


@pytest.fixture
def editor(sales):
    user = UserFactory(username="bien-tap-che")
    add_member(user, sales[0])
    return user


def test_staff_sees_the_dashboard_with_figures_charts_and_tables(client, sales, staff):
    client.force_login(staff)
    response = client.get(f"{DASHBOARD}?{SALES_PERIOD}")
    assert response.status_code == 200
    body = response.content.decode()
    assert "700.000 ₫" in body  # sales
    assert "233.333 ₫" in body  # average order
    assert "37,5 %" in body  # traceability coverage
    assert "Số liệu từ 01/01/2026 đến 28/02/2026" in body
    for caption in [
        "Doanh số theo tháng",
        "Doanh số theo xã của hợp tác xã",
        "Doanh số theo danh mục",
        "Doanh số theo hợp tác xã",
        "Doanh số theo phương thức thanh toán",
        "Sản phẩm bán chạy",
    ]:
        assert f"<caption>{caption}</caption>" in body
    assert body.count('<svg role="img"') == 6
    assert "<script" not in body.split("<main", 1)[1].split("</main>")[0]
    # The certificates table has no chart and, here, no rows.
    assert "Chưa có dữ liệu" in body


def test_the_dashboard_is_refused_to_editors_and_hidden_from_their_menu(
    client, editor, staff
):
    client.force_login(editor)
    # Wagtail answers a refusal with a redirect to the dashboard and a message.
    for url in (DASHBOARD, f"{DASHBOARD}?export=csv&table=thang"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("wagtailadmin_home")
    menu = client.get(reverse("wagtailadmin_home")).content.decode()
    assert DASHBOARD not in menu
    assert COOPERATIVES in menu

    client.force_login(staff)
    assert DASHBOARD in client.get(reverse("wagtailadmin_home")).content.decode()
    client.logout()
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("date_from=2026-13-45", "Nhập một ngày hợp lệ."),
        ("date_from=2026-03-01&date_to=2026-01-01", "“Từ ngày” phải trước “Đến ngày”."),
        ("date_from=1900-01-01", "2000"),
        ("date_to=99999-01-01", "Nhập một ngày hợp lệ."),
        ("date_from=2000-01-01&date_to=2100-12-31", "tối đa 10 năm"),
        ("preset=mai-mai", "Hãy chọn"),
    ],
)
def test_bad_periods_get_a_message_and_the_last_twelve_months(
    client, staff, query, message
):
    client.force_login(staff)
    response = client.get(f"{DASHBOARD}?{query}")
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert "Đang hiển thị 12 tháng qua." in body


def test_presets_choose_the_period(client, staff):
    client.force_login(staff)
    response = client.get(f"{DASHBOARD}?preset=month")
    today = datetime.date.today()
    assert response.context["report"].period.start == today.replace(day=1)
    assert 'aria-current="true">Tháng này<' in response.content.decode()


def test_every_table_exports_as_csv_and_xlsx(client, sales, staff):
    client.force_login(staff)
    response = client.get(f"{DASHBOARD}?{SALES_PERIOD}&export=csv&table=hop-tac-xa")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        "tong-quan-hop-tac-xa-20260101-20260228.csv"
        in (response["Content-Disposition"])
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "Hợp tác xã",
        "Doanh số (đồng)",
        "Đơn hàng",
        "Số đơn vị",
        "Tỷ trọng (%)",
    ]
    assert rows[1:] == [
        ["HTX Chè", "500000", "3", "7", "71.4"],
        ["HTX Mật ong", "200000", "1", "1", "28.6"],
    ]
    for table in ["thang", "xa", "danh-muc", "thanh-toan", "san-pham", "chung-nhan"]:
        response = client.get(f"{DASHBOARD}?{SALES_PERIOD}&export=xlsx&table={table}")
        assert response.status_code == 200, table
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        assert sheet.max_column >= 2
    sheet = openpyxl.load_workbook(
        io.BytesIO(
            client.get(f"{DASHBOARD}?{SALES_PERIOD}&export=xlsx&table=thang").content
        )
    ).active
    assert list(sheet.iter_rows(min_row=2, values_only=True)) == [
        ("01/2026", 400_000, 1, 3),
        ("02/2026", 300_000, 2, 5),
    ]


@pytest.mark.parametrize(
    "query", ["export=csv&table=khong-co", "export=pdf&table=thang", "export=csv"]
)
def test_unknown_tables_and_formats_are_not_found(client, staff, query):
    client.force_login(staff)
    assert client.get(f"{DASHBOARD}?{query}").status_code == 404


def _more_sales(count):
    """Orders from new cooperatives in new communes and months, `count` of them."""
    for n in range(count):
        cooperative = CooperativeFactory(commune_code=[17254, 16681, 16702][n % 3])
        product = ProductFactory(cooperative=cooperative, stock=50)
        order = place([(product, 1 + n % 3)], email=f"khach{n}@example.vn")
        Order.objects.filter(pk=order.pk).update(
            created_at=datetime.datetime(2026, 1 + n % 2, 1 + n, 9, tzinfo=datetime.UTC)
        )


def test_the_dashboard_costs_the_same_queries_whatever_the_data(
    client, sales, staff, django_assert_max_num_queries
):
    client.force_login(staff)
    url = f"{DASHBOARD}?{SALES_PERIOD}"
    client.get(url)  # the admin's own first-request caches
    with django_assert_max_num_queries(18) as few:
        assert client.get(url).status_code == 200
    _more_sales(12)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.context["summary"].orders == 15


def test_the_cooperative_report_costs_the_same_queries_whatever_the_data(
    client, sales, editor, django_assert_max_num_queries
):
    tea_coop = sales[0]
    client.force_login(editor)
    url = cooperative_url(tea_coop, SALES_PERIOD)
    client.get(url)
    with django_assert_max_num_queries(17) as few:
        assert client.get(url).status_code == 200
    for n in range(10):
        product = ProductFactory(cooperative=tea_coop, stock=1 + n % 4)
        order = place([(product, 1)])
        Order.objects.filter(pk=order.pk).update(
            created_at=datetime.datetime(2026, 2, 1 + n, 9, tzinfo=datetime.UTC)
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.context["summary"].orders == 13


def test_an_editor_goes_straight_to_their_cooperatives_report(client, sales, editor):
    tea_coop, honey_coop, *_ = sales
    client.force_login(editor)
    response = client.get(COOPERATIVES)
    assert response.status_code == 302
    assert response["Location"] == cooperative_url(tea_coop)

    response = client.get(cooperative_url(tea_coop, SALES_PERIOD))
    assert response.status_code == 200
    body = response.content.decode()
    assert "500.000 ₫" in body
    assert "Mật ong rừng" not in body  # the other cooperative's product
    assert reverse("market_ledger:statement", args=(tea_coop.pk,)) in body
    assert "Số dư hiện tại" in body

    # Another cooperative's report and exports do not exist for this editor.
    assert client.get(cooperative_url(honey_coop)).status_code == 404
    for kind in ("csv", "xlsx"):
        url = cooperative_url(honey_coop, f"export={kind}&table=thang")
        assert client.get(url).status_code == 404


def test_cooperative_report_exports_its_own_tables(client, sales, editor):
    tea_coop = sales[0]
    client.force_login(editor)
    response = client.get(
        cooperative_url(tea_coop, f"{SALES_PERIOD}&export=csv&table=san-pham")
    )
    assert response.status_code == 200
    assert "bao-cao-htx-che-san-pham" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1:] == [
        ["Chè búp", "300000", "2", "3"],
        ["Chè gạo", "200000", "1", "4"],
    ]


def test_staff_pick_any_cooperative(client, sales, staff):
    client.force_login(staff)
    response = client.get(COOPERATIVES)
    assert response.status_code == 200
    body = response.content.decode()
    for cooperative in sales[:2]:
        assert cooperative_url(cooperative) in body
    assert client.get(cooperative_url(sales[1], SALES_PERIOD)).status_code == 200


def test_a_user_without_order_rights_cannot_open_cooperative_reports(client, sales):
    client.force_login(UserFactory(username="khach-le", is_superuser=False))
    for url in (COOPERATIVES, cooperative_url(sales[0])):
        response = client.get(url)
        assert response.status_code == 302
        assert "/admin/" in response["Location"]
