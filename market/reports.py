"""Sales reports: the district dashboard's and a cooperative's figures and tables.

Every number is aggregated in the database (one query per table, whatever the
number of orders), so a report costs a fixed number of queries. The definitions
(see docs/reports.md):

- a sale is an order line whose units are sold (`OrderLine.StockStatus.SOLD`):
  held lines of unpaid orders and lines returned by a cancellation or an
  expired hold do not count; its value is unit price × quantity (goods only);
- a sale belongs to the day its order was placed, in Vietnam time;
- orders = distinct orders with a sale; buyers = distinct signed-in accounts,
  or e-mail addresses (case folded) for guests;
- a lot's record is complete when it has a growing area, a harvest
  (commissioning) event and a packing event.

Tables are plain data (`Table`): the admin draws them as HTML and charts
(market/charts.py) and exports them as CSV or XLSX (below), from the same rows.
"""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat, Lower, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from producers import places
from producers.models import BusinessStep, Certification, Cooperative, TraceEvent

from . import spreadsheets
from .models import Fulfilment, OrderLine, PaymentMethod, Product

#: Stock at or below this many units is "running low" in a cooperative's report.
LOW_STOCK = 5
#: How far ahead the dashboard lists certificates about to expire.
EXPIRY_WINDOW_DAYS = 60
TOP_PRODUCTS = 10

# --- Periods ---------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """The days from `start` to `end`, both included, in Vietnam time."""

    start: datetime.date
    end: datetime.date

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """Aware datetimes [first moment, moment after the last day)."""
        zone = timezone.get_current_timezone()
        first = datetime.datetime.combine(self.start, datetime.time.min, zone)
        after = datetime.datetime.combine(
            self.end + datetime.timedelta(days=1), datetime.time.min, zone
        )
        return first, after

    def months(self) -> list[datetime.date]:
        """The first day of each month the period touches, oldest first."""
        months = []
        month = self.start.replace(day=1)
        while month <= self.end:
            months.append(month)
            month = (month + datetime.timedelta(days=32)).replace(day=1)
        return months


def preset_period(name: str, today: datetime.date) -> Period:
    """One of `PRESETS` ending today (or, for "this month/year", containing it)."""
    if name == "30d":
        return Period(today - datetime.timedelta(days=29), today)
    if name == "month":
        return Period(today.replace(day=1), today)
    if name == "year":
        return Period(today.replace(month=1, day=1), today)
    # Last 12 months: this month and the eleven before it.
    first = today.replace(day=1)
    year, month = divmod(first.year * 12 + first.month - 1 - 11, 12)
    return Period(datetime.date(year, month + 1, 1), today)


PRESETS = {
    "30d": _("30 ngày qua"),
    "month": _("Tháng này"),
    "year": _("Năm nay"),
    "12m": _("12 tháng qua"),
}
DEFAULT_PRESET = "12m"

# --- Tables ------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    #: "text", "int" (a count), "vnd" (dong), "percent" (0-100) or "date".
    kind: str = "text"


@dataclass
class Table:
    """One report table: what the page shows, the chart draws and exports write."""

    name: str
    caption: str
    columns: list[Column]
    rows: list[dict]
    #: The chart drawn beside it: "bar", "hbar", "pie" or "" (none).
    chart: str = ""
    #: The column the chart draws (the first column is its label).
    chart_value: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.rows

    def label_of(self, row: dict) -> str:
        return str(row[self.columns[0].key])


def _local_zone():
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


# --- Sales -------------------------------------------------------------------------

_VALUE = ExpressionWrapper(
    F("unit_price") * F("quantity"), output_field=BigIntegerField()
)


def _complete_record():
    """True for a line whose lot has a growing area, a harvest and a packing."""

    def has_event(step):
        return Exists(
            TraceEvent.objects.filter(lot_id=OuterRef("lot_id"), biz_step=step)
        )

    return ExpressionWrapper(
        Q(lot__growing_area__isnull=False)
        & Q(has_event(BusinessStep.COMMISSIONING))
        & Q(has_event(BusinessStep.PACKING)),
        output_field=BooleanField(),
    )


def sold_lines(period: Period, cooperative: Cooperative | None = None):
    """The sold order lines of orders placed within `period`."""
    start, after = period.bounds()
    lines = OrderLine.objects.filter(
        stock_status=OrderLine.StockStatus.SOLD,
        fulfilment__order__created_at__gte=start,
        fulfilment__order__created_at__lt=after,
    )
    if cooperative is not None:
        lines = lines.filter(fulfilment__cooperative=cooperative)
    return lines


def _sales_measures() -> dict:
    return {
        "gmv": Coalesce(Sum(_VALUE), 0, output_field=BigIntegerField()),
        "orders": Count("fulfilment__order", distinct=True),
        "units": Coalesce(Sum("quantity"), 0),
    }


@dataclass(frozen=True)
class Summary:
    gmv: int
    orders: int
    buyers: int
    units: int
    traced_units: int
    cooperatives: int

    @property
    def average_order(self) -> int:
        return round(self.gmv / self.orders) if self.orders else 0

    @property
    def traced_percent(self) -> float | None:
        return 100 * self.traced_units / self.units if self.units else None


def summary(lines) -> Summary:
    """Totals of `lines` (see `sold_lines`) in one query."""
    order = "fulfilment__order__"
    # Concat reads NULL as "", so the choice between account and e-mail is a Case.
    buyer = Case(
        When(
            **{f"{order}user_id__isnull": False},
            then=Concat(Value("u"), Cast(f"{order}user_id", CharField())),
        ),
        default=Concat(Value("e"), Lower(f"{order}email")),
        output_field=CharField(),
    )
    totals = lines.annotate(complete=_complete_record()).aggregate(
        **_sales_measures(),
        buyers=Count(buyer, distinct=True),
        traced_units=Coalesce(Sum("quantity", filter=Q(complete=True)), 0),
        cooperatives=Count("fulfilment__cooperative", distinct=True),
    )
    return Summary(**totals)


def _sales_rows(lines, *group) -> list[dict]:
    return list(lines.values(*group).annotate(**_sales_measures()).order_by("-gmv"))


def _share(rows, total: int) -> None:
    for row in rows:
        row["share"] = round(100 * row["gmv"] / total, 1) if total else 0


SALES_COLUMNS = [
    Column("gmv", _("Doanh số (đồng)"), "vnd"),
    Column("orders", _("Đơn hàng"), "int"),
    Column("units", _("Số đơn vị"), "int"),
]
SHARE_COLUMN = Column("share", _("Tỷ trọng (%)"), "percent")


def by_month(lines, period: Period) -> Table:
    """Sales per calendar month of the period, months without a sale included."""
    zone = _local_zone()
    rows = (
        lines.annotate(month=TruncMonth("fulfilment__order__created_at", tzinfo=zone))
        .values("month")
        .annotate(**_sales_measures())
        .order_by("month")
    )
    found = {}
    for row in rows:
        month = row["month"]
        if isinstance(month, datetime.datetime):
            month = timezone.localtime(month, zone).date()
        found[(month.year, month.month)] = row
    table_rows = []
    for month in period.months():
        row = found.get((month.year, month.month), {})
        table_rows.append(
            {
                "month": f"{month.month:02d}/{month.year}",
                "gmv": row.get("gmv", 0),
                "orders": row.get("orders", 0),
                "units": row.get("units", 0),
            }
        )
    if not any(row["orders"] for row in table_rows):
        table_rows = []
    return Table(
        "thang",
        gettext("Doanh số theo tháng"),
        [Column("month", _("Tháng")), *SALES_COLUMNS],
        table_rows,
        chart="bar",
        chart_value="gmv",
    )


def _share_table(
    lines,
    total: int,
    *,
    group: str,
    name: str,
    title: str,
    column: Column,
    label,
    chart: str = "hbar",
) -> Table:
    """Sales grouped by `group`, each row named by `label(value)`, with its share."""
    rows = _sales_rows(lines, group)
    for row in rows:
        row[column.key] = label(row.pop(group))
    _share(rows, total)
    return Table(
        name,
        title,
        [column, *SALES_COLUMNS, SHARE_COLUMN],
        rows,
        chart=chart,
        chart_value="gmv",
    )


def by_commune(lines, total: int) -> Table:
    """Sales by the commune of the selling cooperative."""
    return _share_table(
        lines,
        total,
        group="fulfilment__cooperative__commune_code",
        name="xa",
        title=gettext("Doanh số theo xã của hợp tác xã"),
        column=Column("commune", _("Xã/phường")),
        label=lambda code: places.commune_name(code) or gettext("Không rõ"),
    )


def by_category(lines, total: int) -> Table:
    """Sales by root category (a subcategory's sales count for its parent)."""
    root = Coalesce("product__category__parent__name", "product__category__name")
    return _share_table(
        lines.annotate(root=root),
        total,
        group="root",
        name="danh-muc",
        title=gettext("Doanh số theo danh mục"),
        column=Column("category", _("Danh mục")),
        label=lambda name: name or gettext("Sản phẩm đã xóa"),
    )


def by_cooperative(lines, total: int) -> Table:
    return _share_table(
        lines,
        total,
        group="fulfilment__cooperative__name",
        name="hop-tac-xa",
        title=gettext("Doanh số theo hợp tác xã"),
        column=Column("cooperative", _("Hợp tác xã")),
        label=lambda name: name,
    )


def by_payment_method(lines, total: int) -> Table:
    labels = dict(PaymentMethod.choices)
    return _share_table(
        lines,
        total,
        group="fulfilment__order__payment_method",
        name="thanh-toan",
        title=gettext("Doanh số theo phương thức thanh toán"),
        column=Column("method", _("Phương thức")),
        label=lambda method: str(labels.get(method, method)),
        chart="pie",
    )


def top_products(lines, *, with_cooperative: bool = True) -> Table:
    """The best-selling products by sales value (a deleted product by its name)."""
    rows = list(
        lines.values("product_id")
        .annotate(
            name=Max("product_name"),
            cooperative=Max("fulfilment__cooperative__name"),
            **_sales_measures(),
        )
        .order_by("-gmv", "name")[:TOP_PRODUCTS]
    )
    columns = [Column("name", _("Sản phẩm"))]
    if with_cooperative:
        columns.append(Column("cooperative", _("Hợp tác xã")))
    return Table(
        "san-pham",
        gettext("Sản phẩm bán chạy"),
        [*columns, *SALES_COLUMNS],
        rows,
        chart="hbar",
        chart_value="gmv",
    )


# --- Catalogue and certificates ----------------------------------------------------


@dataclass(frozen=True)
class Catalogue:
    live: int
    ocop: int
    certified: int

    def percent(self, part: int) -> float | None:
        return 100 * part / self.live if self.live else None

    @property
    def ocop_percent(self) -> float | None:
        return self.percent(self.ocop)

    @property
    def certified_percent(self) -> float | None:
        return self.percent(self.certified)


def catalogue(today: datetime.date) -> Catalogue:
    """Live products, and how many carry an OCOP rating or a valid certificate."""
    valid = Certification.objects.filter(
        products=OuterRef("pk"), issued_on__lte=today
    ).filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
    totals = Product.objects.filter(live=True).aggregate(
        live=Count("pk"),
        ocop=Count("pk", filter=Q(ocop_stars__isnull=False)),
        certified=Count("pk", filter=Q(Exists(valid))),
    )
    return Catalogue(**totals)


def expiring_certifications(today: datetime.date) -> Table:
    """Certificates that expire within `EXPIRY_WINDOW_DAYS` days, soonest first."""
    until = today + datetime.timedelta(days=EXPIRY_WINDOW_DAYS)
    certificates = (
        Certification.objects.filter(expires_on__gte=today, expires_on__lte=until)
        .select_related("cooperative")
        .order_by("expires_on", "cooperative__name", "pk")
    )
    rows = [
        {
            "cooperative": c.cooperative.name,
            "kind": str(c.label),
            "number": c.number,
            "expires_on": c.expires_on,
            "days_left": (c.expires_on - today).days,
        }
        for c in certificates
    ]
    return Table(
        "chung-nhan",
        gettext("Chứng nhận hết hạn trong %(days)s ngày tới")
        % {"days": EXPIRY_WINDOW_DAYS},
        [
            Column("cooperative", _("Hợp tác xã")),
            Column("kind", _("Loại")),
            Column("number", _("Số hiệu")),
            Column("expires_on", _("Ngày hết hạn"), "date"),
            Column("days_left", _("Còn (ngày)"), "int"),
        ],
        rows,
    )


# --- A cooperative's own ------------------------------------------------------------


def fulfilments_by_status(cooperative: Cooperative, period: Period) -> Table:
    """The cooperative's parts of orders placed in the period, by status."""
    start, after = period.bounds()
    counts = dict(
        Fulfilment.objects.filter(
            cooperative=cooperative,
            order__created_at__gte=start,
            order__created_at__lt=after,
        )
        .values_list("status")
        .annotate(count=Count("pk"))
        .order_by()
    )
    rows = [
        {"status": str(label), "count": counts[value]}
        for value, label in Fulfilment.Status.choices
        if counts.get(value)
    ]
    return Table(
        "trang-thai",
        gettext("Đơn hàng theo trạng thái"),
        [Column("status", _("Trạng thái")), Column("count", _("Số đơn"), "int")],
        rows,
        chart="hbar",
        chart_value="count",
    )


def low_stock(cooperative: Cooperative) -> Table:
    """Live products with few units left, or fewer than one minimum order."""
    products = (
        Product.objects.filter(cooperative=cooperative, live=True)
        .filter(Q(stock__lte=LOW_STOCK) | Q(stock__lt=F("min_order_quantity")))
        .order_by("stock", "name")
        .values("name", "unit", "stock", "min_order_quantity")
    )
    units = dict(Product._meta.get_field("unit").choices)
    rows = [
        {**row, "unit": str(units.get(row["unit"], row["unit"]))} for row in products
    ]
    return Table(
        "ton-kho",
        gettext("Sản phẩm sắp hết hàng (còn %(count)s đơn vị trở xuống)")
        % {"count": LOW_STOCK},
        [
            Column("name", _("Sản phẩm")),
            Column("unit", _("Đơn vị")),
            Column("stock", _("Tồn kho"), "int"),
            Column("min_order_quantity", _("Đặt tối thiểu"), "int"),
        ],
        rows,
    )


# --- The two reports -----------------------------------------------------------------


@dataclass
class Report:
    period: Period
    summary: Summary
    tables: dict[str, Table]
    catalogue: Catalogue | None = None


def district_report(period: Period, today: datetime.date | None = None) -> Report:
    """Every cooperative's sales in `period`, the catalogue and expiring certificates.

    Nine queries, whatever the data.
    """
    today = today or timezone.localdate()
    lines = sold_lines(period)
    totals = summary(lines)
    tables = [
        by_month(lines, period),
        by_commune(lines, totals.gmv),
        by_category(lines, totals.gmv),
        by_cooperative(lines, totals.gmv),
        by_payment_method(lines, totals.gmv),
        top_products(lines),
        expiring_certifications(today),
    ]
    return Report(
        period=period,
        summary=totals,
        tables={table.name: table for table in tables},
        catalogue=catalogue(today),
    )


def cooperative_report(cooperative: Cooperative, period: Period) -> Report:
    """One cooperative's sales, best sellers, orders and low stock (five queries)."""
    lines = sold_lines(period, cooperative)
    tables = [
        by_month(lines, period),
        top_products(lines, with_cooperative=False),
        fulfilments_by_status(cooperative, period),
        low_stock(cooperative),
    ]
    return Report(
        period=period,
        summary=summary(lines),
        tables={table.name: table for table in tables},
    )


# --- Exports -----------------------------------------------------------------------


def _cell(column: Column, value):
    if value is None:
        return ""
    if column.kind == "text":
        return spreadsheets.text_cell(str(value))
    if column.kind == "date":
        return value.isoformat()
    return value


def _rows(table: Table):
    yield [str(column.label) for column in table.columns]
    for row in table.rows:
        yield [_cell(column, row.get(column.key)) for column in table.columns]


def table_csv(table: Table) -> bytes:
    """The table as CSV for Excel: BOM, headings, raw numbers (dong as integers)."""
    return spreadsheets.csv_bytes(_rows(table))


def table_xlsx(table: Table) -> bytes:
    """The table as an XLSX workbook with one sheet."""
    return spreadsheets.xlsx_bytes(_rows(table), table.name)


EXPORT_FORMATS = {
    "csv": (spreadsheets.CSV_CONTENT_TYPE, table_csv),
    "xlsx": (spreadsheets.XLSX_CONTENT_TYPE, table_xlsx),
}
