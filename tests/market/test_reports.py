"""Report figures against a small set of orders whose sums are worked out by hand.

The orders (period 1 January to 28 February 2026, Vietnam time):

- O1, 1 Jan 00:10 (still 31 Dec in UTC), cash, guest "Lan@Example.com":
  2 × tea (100.000, lot with a complete record) + 1 × honey (200.000, lot with
  a harvest but no packing) = 400.000, plus a delivery fee that is not a sale.
- O2, 10 Feb, cash, guest "lan@example.com" (the same buyer): 4 × rice tea
  (50.000, no lot) = 200.000.
- O3, 20 Feb, bank transfer paid, signed-in buyer: 1 × tea + 2 × honey, then
  the honey cooperative cancels its part: 100.000 counts.
- O4, 25 Feb, bank transfer never paid (expired): nothing counts.
- O5, 26 Feb, bank transfer awaiting payment (units held): nothing counts.
- O6, 31 Dec 2025 23:30 Vietnam time: before the period.

So: sales 700.000, 3 orders, 2 buyers, 8 units of which 3 fully traced,
2 cooperatives; January 400.000, February 300.000; tea cooperative 500.000
(Xã Con Cuông), honey 200.000 (Phường Thành Vinh); category "Chè" 500.000,
"Mật ong" 200.000; cash 600.000, bank transfer 100.000.
"""

import csv
import datetime
import io
import zoneinfo

import openpyxl
import pytest

from market import charts, ordering, reports
from market import fulfilment as fulfilment_actions
from market.models import Order, PaymentMethod, Product
from market.money import format_number
from producers.models import BusinessStep
from producers.traceability import NewEvent, record_event
from tests.market.factories import CategoryFactory, ProductFactory
from tests.market.orders import place
from tests.producers.factories import (
    CertificationFactory,
    CooperativeFactory,
    GrowingAreaFactory,
    LotFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
PERIOD = reports.Period(datetime.date(2026, 1, 1), datetime.date(2026, 2, 28))
TODAY = datetime.date(2026, 3, 1)


def at(year, month, day, hour=10, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=VN)


def placed_at(order, when):
    Order.objects.filter(pk=order.pk).update(created_at=when)
    return order


def build_sales():
    tea_coop = CooperativeFactory(name="HTX Chè", slug="htx-che", commune_code=17254)
    honey_coop = CooperativeFactory(
        name="HTX Mật ong", slug="htx-mat-ong", commune_code=16681
    )
    che = CategoryFactory(name="Chè", slug="che")
    che_xanh = CategoryFactory(name="Chè xanh", slug="che-xanh", parent=che)
    honey_category = CategoryFactory(name="Mật ong", slug="mat-ong")
    tea = ProductFactory(
        cooperative=tea_coop,
        category=che_xanh,
        name="Chè búp",
        price=100_000,
        stock=100,
        ocop_stars=4,
    )
    rice_tea = ProductFactory(
        cooperative=tea_coop, category=che, name="Chè gạo", price=50_000, stock=100
    )
    honey = ProductFactory(
        cooperative=honey_coop,
        category=honey_category,
        name="Mật ong rừng",
        price=200_000,
        stock=100,
    )
    staff = UserFactory(username="ghi-chep")
    complete = LotFactory(
        cooperative=tea_coop,
        code="CHE-01",
        growing_area=GrowingAreaFactory(cooperative=tea_coop),
    )
    for step in (BusinessStep.COMMISSIONING, BusinessStep.PACKING):
        record_event(complete, NewEvent(biz_step=step), user=staff)
    incomplete = LotFactory(
        cooperative=honey_coop,
        code="MO-01",
        growing_area=GrowingAreaFactory(cooperative=honey_coop),
    )
    record_event(incomplete, NewEvent(biz_step=BusinessStep.COMMISSIONING), user=staff)
    # Parental relations are written when the product is saved.
    tea.lots.add(complete)
    tea.save()
    honey.lots.add(incomplete)
    honey.save()

    placed_at(
        place([(tea, 2), (honey, 1)], email="Lan@Example.com"), at(2026, 1, 1, 0, 10)
    )
    placed_at(place([(rice_tea, 4)], email="lan@example.com"), at(2026, 2, 10))
    buyer = UserFactory(username="khach")
    paid = place(
        [(tea, 1), (honey, 2)], payment_method=PaymentMethod.BANK_TRANSFER, user=buyer
    )
    ordering.mark_paid(paid, amount=paid.total, source="bank")
    fulfilment_actions.cancel(paid.fulfilments.get(cooperative=honey_coop))
    placed_at(paid, at(2026, 2, 20))
    expired = place([(tea, 3)], payment_method=PaymentMethod.BANK_TRANSFER)
    ordering.expire_order(expired)
    placed_at(expired, at(2026, 2, 25))
    held = place([(honey, 1)], payment_method=PaymentMethod.BANK_TRANSFER)
    placed_at(held, at(2026, 2, 26))
    placed_at(place([(tea, 5)]), at(2025, 12, 31, 23, 30))
    return tea_coop, honey_coop, tea, rice_tea, honey


@pytest.fixture
def sales():
    return build_sales()


def rows(table, key, *values):
    return [tuple(row[v] for v in (key, *values)) for row in table.rows]


def test_summary_counts_only_sold_goods_of_orders_placed_in_the_period(sales):
    report = reports.district_report(PERIOD, TODAY)
    summary = report.summary
    assert summary.gmv == 700_000
    assert summary.orders == 3
    assert summary.buyers == 2  # the guest's e-mail in two cases is one buyer
    assert summary.units == 8
    assert summary.traced_units == 3
    assert summary.traced_percent == 37.5
    assert summary.cooperatives == 2
    assert summary.average_order == 233_333


def test_tables_split_sales_by_month_commune_category_cooperative_and_payment(sales):
    tables = reports.district_report(PERIOD, TODAY).tables
    assert rows(tables["thang"], "month", "gmv", "orders", "units") == [
        ("01/2026", 400_000, 1, 3),
        ("02/2026", 300_000, 2, 5),
    ]
    assert rows(tables["xa"], "commune", "gmv", "share") == [
        ("Xã Con Cuông", 500_000, 71.4),
        ("Phường Thành Vinh", 200_000, 28.6),
    ]
    # The subcategory "Chè xanh" counts for its root "Chè".
    assert rows(tables["danh-muc"], "category", "gmv", "orders") == [
        ("Chè", 500_000, 3),
        ("Mật ong", 200_000, 1),
    ]
    assert rows(tables["hop-tac-xa"], "cooperative", "gmv", "units") == [
        ("HTX Chè", 500_000, 7),
        ("HTX Mật ong", 200_000, 1),
    ]
    assert rows(tables["thanh-toan"], "method", "gmv", "orders") == [
        ("Thanh toán khi nhận hàng", 600_000, 2),
        ("Chuyển khoản ngân hàng (VietQR)", 100_000, 1),
    ]
    assert rows(tables["san-pham"], "name", "gmv", "units", "orders") == [
        ("Chè búp", 300_000, 3, 2),
        ("Chè gạo", 200_000, 4, 1),
        ("Mật ong rừng", 200_000, 1, 1),
    ]


def test_a_month_without_sales_is_shown_as_zero_and_no_sales_at_all_as_empty(sales):
    period = reports.Period(datetime.date(2025, 11, 1), datetime.date(2026, 1, 31))
    table = reports.district_report(period, TODAY).tables["thang"]
    assert rows(table, "month", "gmv") == [
        ("11/2025", 0),
        ("12/2025", 500_000),
        ("01/2026", 400_000),
    ]
    empty = reports.Period(datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
    report = reports.district_report(empty, TODAY)
    assert report.summary.gmv == 0 and report.summary.average_order == 0
    assert report.summary.traced_percent is None
    assert all(
        table.is_empty for name, table in report.tables.items() if name != "chung-nhan"
    )
    assert charts.render(report.tables["thang"]) == ""


def test_catalogue_shares_count_live_products_with_ocop_and_a_valid_certificate(sales):
    tea_coop, honey_coop, tea, rice_tea, honey = sales
    valid = CertificationFactory(
        cooperative=honey_coop,
        issued_on=datetime.date(2025, 1, 1),
        expires_on=datetime.date(2027, 1, 1),
    )
    expired = CertificationFactory(
        cooperative=tea_coop,
        issued_on=datetime.date(2024, 1, 1),
        expires_on=datetime.date(2026, 2, 1),
    )
    honey.certifications.add(valid)
    honey.save()
    rice_tea.certifications.add(expired)
    rice_tea.save()
    ProductFactory(cooperative=tea_coop, live=False, ocop_stars=5)  # a draft

    catalogue = reports.district_report(PERIOD, TODAY).catalogue
    assert (catalogue.live, catalogue.ocop, catalogue.certified) == (3, 1, 1)
    assert round(catalogue.ocop_percent, 1) == 33.3


def test_certificates_expiring_within_sixty_days_are_listed_soonest_first(sales):
    tea_coop, honey_coop, *_ = sales
    for number, expires in [
        ("HET-HAN", datetime.date(2026, 2, 28)),
        ("SAP-HET-2", datetime.date(2026, 4, 30)),
        ("SAP-HET-1", datetime.date(2026, 3, 11)),
        ("CON-LAU", datetime.date(2026, 5, 1)),
        ("KHONG-HAN", None),
    ]:
        CertificationFactory(
            cooperative=tea_coop,
            number=number,
            issued_on=datetime.date(2025, 1, 1),
            expires_on=expires,
        )
    table = reports.district_report(PERIOD, TODAY).tables["chung-nhan"]
    assert rows(table, "number", "cooperative", "days_left") == [
        ("SAP-HET-1", "HTX Chè", 10),
        ("SAP-HET-2", "HTX Chè", 60),
    ]


def test_cooperative_report_has_its_own_sales_statuses_and_low_stock(sales):
    tea_coop, honey_coop, tea, rice_tea, honey = sales
    Product.objects.filter(pk=rice_tea.pk).update(stock=2)
    ProductFactory(cooperative=tea_coop, name="Chè hộp", stock=8, min_order_quantity=10)
    ProductFactory(cooperative=tea_coop, name="Chè nháp", stock=0, live=False)
    ProductFactory(cooperative=honey_coop, name="Mật ong hũ", stock=0)

    report = reports.cooperative_report(tea_coop, PERIOD)
    assert (report.summary.gmv, report.summary.orders) == (500_000, 3)
    assert rows(report.tables["san-pham"], "name", "gmv") == [
        ("Chè búp", 300_000),
        ("Chè gạo", 200_000),
    ]
    # O4 expired before payment: its part was never more than awaiting payment.
    assert rows(report.tables["trang-thai"], "status", "count") == [
        ("Chờ thanh toán", 1),
        ("Mới", 3),
    ]
    assert rows(report.tables["ton-kho"], "name", "stock") == [
        ("Chè gạo", 2),
        ("Chè hộp", 8),
    ]
    honey_report = reports.cooperative_report(honey_coop, PERIOD)
    assert honey_report.summary.gmv == 200_000


def test_presets_and_periods_cover_whole_days_in_vietnam_time():
    today = datetime.date(2026, 3, 15)
    assert reports.preset_period("30d", today) == reports.Period(
        datetime.date(2026, 2, 14), today
    )
    assert reports.preset_period("month", today).start == datetime.date(2026, 3, 1)
    assert reports.preset_period("year", today).start == datetime.date(2026, 1, 1)
    twelve = reports.preset_period("12m", today)
    assert twelve.start == datetime.date(2025, 4, 1)
    assert len(twelve.months()) == 12
    start, after = reports.Period(today, today).bounds()
    assert start.utcoffset() == datetime.timedelta(hours=7)
    assert after - start == datetime.timedelta(days=1)


def test_exports_guard_text_cells_and_keep_numbers_as_numbers():
    table = reports.Table(
        "x",
        "Thử",
        [
            reports.Column("name", "Tên"),
            reports.Column("gmv", "Doanh số (đồng)", "vnd"),
            reports.Column("day", "Ngày", "date"),
        ],
        [
            {"name": "=HYPERLINK(1)", "gmv": 150_000, "day": datetime.date(2026, 1, 2)},
            {"name": "Chè xanh", "gmv": 0, "day": None},
        ],
    )
    text = reports.table_csv(table)
    assert text.startswith("\ufeff".encode())
    parsed = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    assert parsed == [
        ["Tên", "Doanh số (đồng)", "Ngày"],
        ["'=HYPERLINK(1)", "150000", "2026-01-02"],
        ["Chè xanh", "0", ""],
    ]
    sheet = openpyxl.load_workbook(io.BytesIO(reports.table_xlsx(table))).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[1] == ("'=HYPERLINK(1)", 150_000, "2026-01-02")
    assert sheet["A2"].data_type == "s"


def test_charts_are_self_contained_svg_with_escaped_labels():
    table = reports.Table(
        "x",
        "Doanh số",
        [reports.Column("name", "Tên"), reports.Column("gmv", "GMV", "vnd")],
        [{"name": "<script>alert(1)</script>", "gmv": 1_250_000}],
        chart="hbar",
        chart_value="gmv",
    )
    for kind in ("bar", "hbar", "pie"):
        table.chart = kind
        svg = str(charts.render(table))
        assert svg.startswith('<svg role="img" aria-label="Biểu đồ: Doanh số')
        assert "<script" not in svg
        assert "&lt;script&gt;" in svg
        assert "http://pygal" not in svg and "https://" not in svg
    assert charts.compact_vnd(1_250_000) == "1,25 tr"
    assert charts.compact_vnd(850_000) == "850 N"
    assert format_number(12_500) == "12.500"
