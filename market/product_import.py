"""Product spreadsheets: exported, read back, checked, planned and applied whole.

One list of columns (`COLUMNS`) serves both directions, so a file exported here
imports back with every row "không đổi". Importing is two steps that run the
same checks: a preview (`plan_import`) that writes nothing, and `apply_import`,
which re-reads the stored file inside one transaction, locks the products it
touches, and refuses unless the plan is still exactly the one the editor saw
(its digest). The admin (market/import_admin.py) and the `import_products`
command both go through here.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import IntegrityError, transaction
from django.db.models import CharField, F, OuterRef, Subquery
from django.db.models.functions import Cast
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modelcluster.models import (
    get_all_child_m2m_relations,
    get_all_child_relations,
    get_serializable_data_for_fields,
)
from wagtail.log_actions import log
from wagtail.models import Revision
from wagtail.search.backends import get_search_backends

from producers.gtin import normalise_gtin
from producers.models import Cooperative, CooperativeLogEntry
from producers.text import fold, fold_words
from producers.uploads import ZipRefused, inspect_zip

from . import spreadsheets
from .fields import format_months, parse_months
from .models import Category, Product, ProductImport, Unit
from .money import format_vnd
from .signals import products_changed

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
# An XLSX is a zip: a few kilobytes can inflate to gigabytes inside openpyxl.
MAX_XLSX_UNCOMPRESSED_BYTES = 60 * 1024 * 1024
MAX_XLSX_RATIO = 200
# An exported workbook holds about ten parts; Excel adds a few more.
MAX_XLSX_MEMBERS = 200
# Columns read from a sheet (there are far fewer columns to import), and rows
# read at all, blank ones included.
MAX_XLSX_COLUMNS = 64
MAX_XLSX_SHEET_ROWS = 2 * MAX_ROWS + 1000
MIN_PRICE = 1000
MAX_PRICE = 1_000_000_000
MAX_QUANTITY = 1_000_000
BATCH_SIZE = 500
# How many slugs or GTINs one `IN (...)` query names (SQLite's variable limit).
LOOKUP_CHUNK = 900
LOG_ACTION = "market.product_import"

YES, NO = "có", "không"
_YES_WORDS = {"co", "x", "yes", "y", "true", "1", "dang ban"}
_NO_WORDS = {"khong", "no", "n", "false", "0", "", "ngung ban"}
_GROUPED_DIGITS = re.compile(r"^\d{1,3}(?:[., \u00a0]\d{3})+$")
_CURRENCY = re.compile(r"\s*(?:₫|đồng|đ|vnđ|vnd)\s*$", re.IGNORECASE)


class ImportFileError(Exception):
    """The file as a whole cannot be read (format, encoding, columns, size)."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class ImportRefused(Exception):
    """Applying was refused; nothing was written."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class CellError(ValueError):
    pass


# --- Cells --------------------------------------------------------------------------


def cell_text(raw) -> str:
    """A cell as the text a person typed: numbers without ".0", stripped."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return YES if raw else NO
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


def _plain_text(raw) -> str:
    text = cell_text(raw)
    # Exports guard text such as "=..." with a leading apostrophe; read it back.
    if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@"):
        return text[1:]
    return text


def _whole_number(raw, message) -> int:
    if isinstance(raw, bool):
        raise CellError(message)
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        if raw.is_integer():
            return int(raw)
        raise CellError(message)
    text = _CURRENCY.sub("", cell_text(raw))
    if _GROUPED_DIGITS.match(text):
        # "150.000" and "150,000" as people write prices.
        text = re.sub(r"[., \u00a0]", "", text)
    if not (text.isascii() and text.isdigit()):
        raise CellError(message)
    return int(text)


def _bounded(raw, low, high, message) -> int:
    value = _whole_number(raw, message)
    if not low <= value <= high:
        raise CellError(message)
    return value


@dataclass
class Lookups:
    """What parsing a row needs from the database, read once per file."""

    category_ids: dict[str, int]
    category_slugs: dict[int, str]
    units: dict[str, str]

    @classmethod
    def load(cls) -> Lookups:
        categories = dict(Category.objects.values_list("slug", "pk"))
        units = {}
        # The code or the unit's name in either language, whoever imports it.
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                for code, label in Unit.choices:
                    units[_unit_key(code)] = code
                    units[_unit_key(str(label))] = code
        return cls(categories, {pk: slug for slug, pk in categories.items()}, units)


def _parse_slug(raw, lookups):
    value = _plain_text(raw)
    if not value:
        raise CellError(_("Thiếu đường dẫn (mã) sản phẩm."))
    if len(value) > 200:
        raise CellError(_("Đường dẫn dài quá 200 ký tự."))
    try:
        validate_slug(value)
    except ValidationError as error:
        raise CellError(
            _(
                "Đường dẫn chỉ gồm chữ không dấu, chữ số và dấu gạch ngang, "
                "ví dụ “che-xanh”."
            )
        ) from error
    return value


def _parse_name(raw, lookups):
    value = _plain_text(raw)
    if not value:
        raise CellError(_("Thiếu tên sản phẩm."))
    if len(value) > 200:
        raise CellError(_("Tên sản phẩm dài quá 200 ký tự."))
    return value


def _parse_summary(raw, lookups):
    value = _plain_text(raw)
    if len(value) > 255:
        raise CellError(_("Mô tả ngắn dài quá 255 ký tự."))
    return value


def _parse_category(raw, lookups):
    slug = cell_text(raw).lower()
    if slug not in lookups.category_ids:
        raise CellError(
            _("Không có danh mục “%(value)s”: ghi đường dẫn của danh mục, ví dụ “che”.")
            % {"value": cell_text(raw)}
        )
    return lookups.category_ids[slug]


def _unit_key(text: str) -> str:
    # "gói 500 g", "Goi 500g" and "500G" name the same unit.
    return fold(text).replace(" ", "")


def _parse_unit(raw, lookups):
    code = lookups.units.get(_unit_key(cell_text(raw)))
    if code is None:
        raise CellError(
            _("Không có đơn vị “%(value)s”: dùng một trong %(codes)s.")
            % {"value": cell_text(raw), "codes": ", ".join(Unit.values)}
        )
    return code


def _parse_price(raw, lookups):
    message = _("Giá “%(value)s” không hợp lệ: ghi số đồng, ví dụ 150000.") % {
        "value": cell_text(raw)
    }
    value = _whole_number(raw, message)
    if value < MIN_PRICE:
        raise CellError(_("Giá tối thiểu là %(min)s.") % {"min": format_vnd(MIN_PRICE)})
    if value > MAX_PRICE:
        raise CellError(
            _("Giá quá lớn (tối đa %(max)s).") % {"max": format_vnd(MAX_PRICE)}
        )
    return value


def _parse_stock(raw, lookups):
    if cell_text(raw) == "":
        return 0
    return _bounded(
        raw, 0, MAX_QUANTITY, _("Tồn kho phải là số nguyên từ 0 đến 1.000.000.")
    )


def _parse_min_order(raw, lookups):
    if cell_text(raw) == "":
        return 1
    return _bounded(
        raw,
        1,
        MAX_QUANTITY,
        _("Số lượng đặt tối thiểu phải là số nguyên từ 1 đến 1.000.000."),
    )


def _parse_ocop(raw, lookups):
    text = re.sub(r"\s*(?:★|\*|sao)\s*$", "", cell_text(raw), flags=re.IGNORECASE)
    if text == "":
        return None
    if text not in ("3", "4", "5"):
        raise CellError(_("Hạng OCOP chỉ nhận 3, 4, 5 hoặc để trống."))
    return int(text)


def _parse_gtin(raw, lookups):
    try:
        return normalise_gtin(cell_text(raw))
    except ValidationError as error:
        raise CellError(error.messages[0]) from error


def _parse_season(raw, lookups):
    try:
        return parse_months(cell_text(raw))
    except ValueError as error:
        raise CellError(
            _(
                "Mùa vụ ghi các tháng từ 1 đến 12, ví dụ “1-3,11”; "
                "để trống nếu quanh năm."
            )
        ) from error


def _parse_live(raw, lookups):
    if isinstance(raw, bool):
        return raw
    word = fold(cell_text(raw))
    if word in _YES_WORDS:
        return True
    if word in _NO_WORDS:
        return False
    raise CellError(_("Cột “Đang bán” ghi “có” hoặc “không”."))


def _same(value):
    return value


def _yes_no(value) -> str:
    return YES if value else NO


@dataclass(frozen=True)
class Column:
    """One spreadsheet column: its Product attribute, heading, reading and writing."""

    attr: str
    heading: Promise
    aliases: tuple[str, ...]
    parse: Callable[[Any, Lookups], Any]
    # The model value as a cell (export) and as text for people (preview).
    to_cell: Callable[[Any], Any] = _same
    required: bool = False

    def cell(self, product: Product, lookups: Lookups):
        value = getattr(product, self.attr)
        if self.attr == "category_id":
            return lookups.category_slugs.get(value, "")
        cell = self.to_cell(value)
        return spreadsheets.text_cell(cell) if isinstance(cell, str) else cell

    def display(self, value, lookups: Lookups) -> str:
        if value is None:
            return ""
        if self.attr == "category_id":
            return lookups.category_slugs.get(value, "")
        if self.attr == "price":
            return format_vnd(value)
        return cell_text(self.to_cell(value))


COLUMNS: tuple[Column, ...] = (
    Column("slug", _("Đường dẫn"), ("slug", "ma san pham"), _parse_slug, required=True),
    Column("name", _("Tên sản phẩm"), ("name", "ten"), _parse_name, required=True),
    Column("category_id", _("Danh mục"), ("category",), _parse_category, required=True),
    Column("price", _("Giá (đồng)"), ("price", "gia"), _parse_price, required=True),
    Column("unit", _("Đơn vị"), ("unit",), _parse_unit, required=True),
    Column("stock", _("Tồn kho"), ("stock",), _parse_stock),
    Column(
        "min_order_quantity",
        _("Đặt tối thiểu"),
        ("min_order_quantity", "min order quantity", "so luong dat toi thieu"),
        _parse_min_order,
    ),
    Column("summary", _("Mô tả ngắn"), ("summary",), _parse_summary),
    Column(
        "ocop_stars",
        _("Hạng OCOP"),
        ("ocop_stars", "ocop"),
        _parse_ocop,
        lambda v: v if v else "",
    ),
    Column("gtin", _("GTIN"), ("gtin", "ma vach"), _parse_gtin),
    Column(
        "season_months",
        _("Mùa vụ (tháng)"),
        ("season", "season_months", "mua vu"),
        _parse_season,
        format_months,
    ),
    Column("live", _("Đang bán"), ("live",), _parse_live, _yes_no),
)
COLUMN_BY_ATTR = {column.attr: column for column in COLUMNS}
# Written on new products whose file leaves a column out.
DEFAULTS = {
    "stock": 0,
    "min_order_quantity": 1,
    "summary": "",
    "ocop_stars": None,
    "gtin": "",
    "season_months": 0,
    "live": False,
}


def _heading_key(text: str) -> str:
    return " ".join(re.split(r"[^a-z0-9]+", fold(str(text)))).strip()


def _heading_index() -> dict[str, Column]:
    index = {}
    for column in COLUMNS:
        for name in (str(column.heading), column.attr, *column.aliases):
            index[_heading_key(name)] = column
    return index


# --- Reading a file -----------------------------------------------------------------


@dataclass
class Table:
    """A file's headings and its non-empty rows, numbered as the spreadsheet shows."""

    file_format: str
    headings: list[str]
    rows: list[tuple[int, list]]


def file_format_for(file_name: str) -> str:
    extension = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if extension in ("csv", "txt"):
        return ProductImport.Format.CSV
    if extension == "xlsx":
        return ProductImport.Format.XLSX
    if extension in ("xls", "ods", "numbers"):
        raise ImportFileError(
            _(
                "Tệp .%(ext)s chưa đọc được: trong Excel chọn Tệp › Lưu thành › "
                "Sổ làm việc Excel (.xlsx) hoặc CSV UTF-8."
            )
            % {"ext": extension}
        )
    raise ImportFileError(_("Chỉ nhận tệp CSV (.csv) hoặc Excel (.xlsx)."))


def read_table(data: bytes, file_name: str) -> Table:
    """Read an uploaded CSV or XLSX; raises ImportFileError with a reason."""
    file_format = file_format_for(file_name)
    if not data:
        raise ImportFileError(_("Tệp trống."))
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportFileError(
            _("Tệp lớn hơn %(mb)s MB: hãy chia thành nhiều tệp.")
            % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    if file_format == ProductImport.Format.XLSX:
        rows = _xlsx_rows(data)
    else:
        rows = _csv_rows(data)
    return _table(file_format, rows)


def _csv_rows(data: bytes) -> Iterable[list]:
    if data.startswith(b"PK\x03\x04"):
        raise ImportFileError(_("Tệp này là tệp Excel: hãy đặt đuôi .xlsx."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            _(
                "Tệp CSV phải dùng bảng mã UTF-8 (chữ có dấu đang bị hỏng). Trong "
                "Excel: Tệp › Lưu thành › chọn kiểu “CSV UTF-8 (phân tách bằng dấu "
                "phẩy) (*.csv)”, rồi tải lên lại."
            )
        ) from error
    if "\x00" in text:
        raise ImportFileError(_("Tệp CSV chứa ký tự lạ: hãy lưu lại dạng CSV UTF-8."))
    first_line = text.split("\n", 1)[0]
    # Excel set to Vietnamese saves with ";" between cells.
    delimiter = max((",", ";", "\t"), key=first_line.count)
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as error:
        raise ImportFileError(
            _("Không đọc được tệp CSV: %(reason)s") % {"reason": error}
        ) from error


def _xlsx_rows(data: bytes) -> Iterable[list]:
    import openpyxl

    try:
        inspect_zip(
            data,
            max_members=MAX_XLSX_MEMBERS,
            max_total_bytes=MAX_XLSX_UNCOMPRESSED_BYTES,
            max_ratio=MAX_XLSX_RATIO,
        )
    except ZipRefused as refused:
        if refused.reason == "damaged":
            raise ImportFileError(
                _("Không đọc được tệp Excel: hãy lưu lại dạng .xlsx.")
            ) from refused
        raise ImportFileError(
            _("Tệp Excel bung ra quá lớn so với dung lượng: hãy lưu lại hoặc dùng CSV.")
            if refused.reason in ("inflates", "members")
            else _(
                "Tệp Excel chứa phần lạ (khai báo XML) không có trong tệp Excel "
                "thường: hãy mở bằng Excel, lưu lại dạng .xlsx rồi tải lên."
            )
        ) from refused
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        sheet = workbook.worksheets[0]
        # The sheet's declared size is not believed: a few bytes can claim
        # 16,384 columns and a million rows, which openpyxl would pad out.
        sheet.reset_dimensions()
        for count, row in enumerate(
            sheet.iter_rows(max_col=MAX_XLSX_COLUMNS, values_only=True), start=1
        ):
            if count > MAX_XLSX_SHEET_ROWS:
                raise ImportFileError(
                    _("Tệp có hơn %(max)s dòng sản phẩm: hãy chia thành nhiều tệp.")
                    % {"max": f"{MAX_ROWS:,}".replace(",", ".")}
                )
            yield list(row)
        workbook.close()
    except ImportFileError:
        raise
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise ImportFileError(
            _("Không đọc được tệp Excel: hãy lưu lại dạng .xlsx.")
        ) from error


def _table(file_format: str, rows: Iterable[list]) -> Table:
    headings = None
    body = []
    for number, row in enumerate(rows, start=1):
        if not any(cell_text(cell) for cell in row):
            continue
        if headings is None:
            headings = [cell_text(cell) for cell in row]
            continue
        if len(body) >= MAX_ROWS:
            raise ImportFileError(
                _("Tệp có hơn %(max)s dòng sản phẩm: hãy chia thành nhiều tệp.")
                % {"max": f"{MAX_ROWS:,}".replace(",", ".")}
            )
        body.append((number, row))
    if headings is None:
        raise ImportFileError(_("Tệp trống."))
    if not body:
        raise ImportFileError(_("Tệp chỉ có dòng tiêu đề, chưa có sản phẩm nào."))
    return Table(file_format, headings, body)


def match_columns(headings: list[str]) -> dict[int, Column]:
    """Map each heading's position to its column; ImportFileError names problems."""
    index = _heading_index()
    found: dict[int, Column] = {}
    unknown, repeated = [], []
    for position, heading in enumerate(headings):
        if not heading:
            continue
        column = index.get(_heading_key(heading))
        if column is None:
            unknown.append(heading)
        elif column in found.values():
            repeated.append(heading)
        else:
            found[position] = column
    problems = []
    missing = [
        str(c.heading) for c in COLUMNS if c.required and c not in found.values()
    ]
    if missing:
        problems.append(
            _("Thiếu cột: %(columns)s.")
            % {"columns": ", ".join(f"“{m}”" for m in missing)}
        )
    if unknown:
        problems.append(
            _("Cột không nhận ra: %(columns)s.")
            % {"columns": ", ".join(f"“{u}”" for u in unknown)}
        )
    if repeated:
        problems.append(
            _("Cột bị lặp: %(columns)s.")
            % {"columns": ", ".join(f"“{r}”" for r in repeated)}
        )
    if problems:
        problems.append(
            _("Các cột dùng được: %(columns)s.")
            % {"columns": ", ".join(str(c.heading) for c in COLUMNS)}
        )
        raise ImportFileError(" ".join(str(p) for p in problems))
    return found


# --- Planning -----------------------------------------------------------------------


class RowStatus:
    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    ERROR = "error"

    LABELS = {
        NEW: _("Mới"),
        CHANGED: _("Thay đổi"),
        UNCHANGED: _("Không đổi"),
        ERROR: _("Lỗi"),
    }


@dataclass
class RowError:
    column: str
    message: str


@dataclass
class Change:
    column: str
    before: str
    after: str


@dataclass
class PlannedRow:
    number: int
    values: dict[str, Any]
    errors: list[RowError] = field(default_factory=list)
    product: Product | None = None
    changes: list[Change] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return self.values.get("slug", "")

    @property
    def name(self) -> str:
        return self.values.get("name", "")

    @property
    def status(self) -> str:
        if self.errors:
            return RowStatus.ERROR
        if self.product is None:
            return RowStatus.NEW
        return RowStatus.CHANGED if self.changes else RowStatus.UNCHANGED

    @property
    def status_label(self):
        return RowStatus.LABELS[self.status]


@dataclass
class Plan:
    cooperative: Cooperative
    columns: list[Column]
    rows: list[PlannedRow]
    digest: str = ""

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(RowStatus.LABELS, 0)
        for row in self.rows:
            counts[row.status] += 1
        return counts

    @property
    def has_errors(self) -> bool:
        return any(row.errors for row in self.rows)


def _chunks(items: list, size: int = LOOKUP_CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _parse_row(number, row, columns: dict[int, Column], lookups) -> PlannedRow:
    planned = PlannedRow(number, {})
    for position, column in columns.items():
        raw = row[position] if position < len(row) else None
        if isinstance(raw, str) and raw.lstrip().startswith("="):
            planned.errors.append(
                RowError(
                    str(column.heading),
                    gettext(
                        "Ô chứa công thức (bắt đầu bằng “=”): chỉ ghi giá trị, "
                        "không ghi công thức."
                    ),
                )
            )
            continue
        try:
            planned.values[column.attr] = column.parse(raw, lookups)
        except CellError as error:
            planned.errors.append(RowError(str(column.heading), str(error)))
    return planned


def plan_import(
    cooperative: Cooperative,
    table: Table,
    *,
    lock: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Plan:
    """Check every row and say what applying would do, writing nothing.

    Runs a fixed number of queries per 900 rows (categories, the products named,
    GTINs named), never one per row. With `lock`, the cooperative's products
    named in the file are locked (in pk order) until the transaction ends.
    """
    columns = match_columns(table.headings)
    lookups = Lookups.load()
    rows = []
    for done, (number, row) in enumerate(table.rows, start=1):
        rows.append(_parse_row(number, row, columns, lookups))
        if progress and done % BATCH_SIZE == 0:
            progress(BATCH_SIZE, len(table.rows))
    if progress:
        progress(len(rows) % BATCH_SIZE, len(table.rows))
    _check_duplicates(rows, "slug", _("Đường dẫn “%(value)s” trùng với dòng %(row)s."))
    _check_duplicates(rows, "gtin", _("GTIN “%(value)s” trùng với dòng %(row)s."))
    existing = _existing_products(cooperative, rows, lock=lock)
    _check_foreign_gtins(rows, existing)
    plan = Plan(cooperative, list(columns.values()), rows)
    for planned in rows:
        product = existing.get(planned.slug)
        if product is not None and product.cooperative_id != cooperative.pk:
            # Slugs are unique across the marketplace; whose it is stays private.
            planned.errors.append(
                RowError(
                    str(COLUMN_BY_ATTR["slug"].heading),
                    gettext(
                        "Đường dẫn “%(slug)s” đã được một sản phẩm khác dùng: "
                        "hãy chọn đường dẫn khác."
                    )
                    % {"slug": planned.slug},
                )
            )
        elif product is not None and not planned.errors:
            planned.product = product
            planned.changes = _changes(product, planned.values, plan.columns, lookups)
    plan.digest = _digest(plan)
    return plan


def _check_duplicates(rows: list[PlannedRow], attr: str, message) -> None:
    first_row: dict[str, int] = {}
    for planned in rows:
        value = planned.values.get(attr)
        if not value:
            continue
        if value in first_row:
            planned.errors.append(
                RowError(
                    str(COLUMN_BY_ATTR[attr].heading),
                    str(message) % {"value": value, "row": first_row[value]},
                )
            )
        else:
            first_row[value] = planned.number


def _existing_products(cooperative, rows, *, lock: bool) -> dict[str, Product]:
    slugs = [planned.slug for planned in rows if planned.slug]
    found = {}
    for chunk in _chunks(slugs):
        queryset = Product.objects.filter(slug__in=chunk).order_by("pk")
        if lock:
            # Only our own rows are locked (and written); another cooperative's
            # product is just an error here.
            own = queryset.filter(cooperative=cooperative).select_for_update()
            own = own.prefetch_related("images", "certifications", "lots")
            found.update((p.slug, p) for p in own)
            others = queryset.exclude(cooperative=cooperative).only(
                "pk", "slug", "cooperative_id"
            )
            found.update((p.slug, p) for p in others)
        else:
            found.update((p.slug, p) for p in queryset)
    for product in found.values():
        if product.cooperative_id == cooperative.pk:
            product.cooperative = cooperative  # search text needs its name
    return found


def _check_foreign_gtins(rows, existing) -> None:
    wanted = {
        planned.values["gtin"]: planned
        for planned in rows
        if planned.values.get("gtin")
    }
    owners = {}
    for chunk in _chunks(list(wanted)):
        owners.update(
            Product.objects.filter(gtin__in=chunk).values_list("gtin", "slug")
        )
    for gtin, slug in owners.items():
        planned = wanted[gtin]
        if slug != planned.slug:
            planned.errors.append(
                RowError(
                    str(COLUMN_BY_ATTR["gtin"].heading),
                    gettext("GTIN “%(gtin)s” đã được một sản phẩm khác dùng.")
                    % {"gtin": gtin},
                )
            )


def _changes(product, values, columns, lookups) -> list[Change]:
    changes = []
    for column in columns:
        if column.attr == "slug":
            continue
        before, after = getattr(product, column.attr), values[column.attr]
        if before != after:
            changes.append(
                Change(
                    str(column.heading),
                    column.display(before, lookups),
                    column.display(after, lookups),
                )
            )
    return changes


def _digest(plan: Plan) -> str:
    """A fingerprint of what applying would do, and of the rows it starts from.

    Existing products' current values are part of it even where the row is
    unchanged: if an order moves the stock of a product the file names, the
    preview the editor approved no longer describes what would happen.
    """
    attrs = [column.attr for column in plan.columns]
    payload = [plan.cooperative.pk, attrs]
    for planned in plan.rows:
        product = planned.product
        payload.append(
            [
                planned.number,
                planned.status,
                [planned.values.get(attr) for attr in attrs],
                [getattr(product, attr) for attr in attrs] if product else None,
                [e.message for e in planned.errors],
            ]
        )
    encoded = json.dumps(payload, ensure_ascii=False, default=str).encode("utf-8")
    return hashlib.sha256(encoded).hexdigest()


# --- Preview and apply ---------------------------------------------------------------


def preview_import(
    cooperative: Cooperative,
    *,
    file_name: str,
    data: bytes,
    user=None,
    save: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[ProductImport, Plan]:
    """Read and plan an upload; with `save`, keep it for the confirm step.

    Raises ImportFileError when the file cannot be read at all.
    """
    table = read_table(data, file_name)
    plan = plan_import(cooperative, table, progress=progress)
    product_import = ProductImport(
        cooperative=cooperative,
        created_by=user if user is not None and user.is_authenticated else None,
        file_name=file_name[:255],
        file_format=table.file_format,
        data=data,
        row_count=len(plan.rows),
    )
    record_plan(product_import, plan)
    if save:
        product_import.save()
    return product_import, plan


def record_plan(product_import: ProductImport, plan: Plan) -> None:
    counts = plan.counts
    product_import.new_count = counts[RowStatus.NEW]
    product_import.changed_count = counts[RowStatus.CHANGED]
    product_import.unchanged_count = counts[RowStatus.UNCHANGED]
    product_import.error_count = counts[RowStatus.ERROR]
    product_import.plan_digest = plan.digest


def replan(product_import: ProductImport) -> Plan:
    """The plan of a stored upload against the catalogue as it is now."""
    table = read_table(bytes(product_import.data), product_import.file_name)
    return plan_import(product_import.cooperative, table)


def apply_import(
    product_import: ProductImport,
    *,
    user=None,
    digest: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Plan:
    """Write every row of a previewed upload, or nothing.

    Re-plans against the current database with the products locked, and
    refuses if there are row errors or the plan's digest differs from the one
    shown (`digest`, by default the stored preview's).
    """
    try:
        with transaction.atomic():
            locked = (
                ProductImport.objects.select_for_update()
                .select_related("cooperative")
                .get(pk=product_import.pk)
            )
            if locked.status == ProductImport.Status.APPLIED:
                raise ImportRefused(_("Tệp này đã được nhập rồi."))
            table = read_table(bytes(locked.data), locked.file_name)
            plan = plan_import(locked.cooperative, table, lock=True, progress=progress)
            if plan.has_errors:
                raise ImportRefused(
                    _("Tệp còn dòng lỗi: sửa tệp rồi tải lên lại; chưa nhập gì.")
                )
            if plan.digest != (digest or locked.plan_digest):
                raise ImportRefused(
                    _(
                        "Dữ liệu đã thay đổi từ lúc xem trước (ví dụ có đơn hàng mới "
                        "hoặc ai đó vừa sửa sản phẩm), hãy xem lại; chưa nhập gì."
                    )
                )
            written = _write(plan, user, progress)
            products_changed.send(sender=Product, product_ids=written)
            record_plan(locked, plan)
            locked.status = ProductImport.Status.APPLIED
            locked.applied_at = timezone.now()
            locked.save()
            log(
                instance=locked.cooperative,
                action=LOG_ACTION,
                user=user,
                data={
                    "import_id": locked.pk,
                    "file_name": locked.file_name,
                    "new": locked.new_count,
                    "changed": locked.changed_count,
                    "unchanged": locked.unchanged_count,
                },
            )
    except (IntegrityError, ValidationError) as error:
        # A rule the checks above did not foresee (the importing account was
        # deleted meanwhile...): the transaction is rolled back whole.
        reason = "; ".join(getattr(error, "messages", None) or [str(error)])
        raise ImportRefused(
            _("Cơ sở dữ liệu từ chối việc nhập (%(reason)s); chưa nhập gì.")
            % {"reason": reason.splitlines()[0][:200]}
        ) from error
    product_import.status = locked.status
    product_import.applied_at = locked.applied_at
    record_plan(product_import, plan)
    return plan


def _prepare(product: Product) -> None:
    # What Product.save() would compute, for rows written in bulk.
    product.search_name = " ".join(fold_words(product.name))
    product.search_text = product.build_search_text()


def _publish_state(product: Product, now) -> None:
    product.has_unpublished_changes = not product.live
    if product.live:
        product.first_published_at = product.first_published_at or now
        product.last_published_at = now


def _write(plan: Plan, user, progress) -> set[int]:
    """Write the plan's new and changed rows; the ids of the products written."""
    now = timezone.now()
    user = user if user is not None and user.is_authenticated else None
    created, changed = [], []
    for planned in plan.rows:
        if planned.status == RowStatus.NEW:
            product = Product(
                cooperative=plan.cooperative, **{**DEFAULTS, **planned.values}
            )
            created.append(product)
        elif planned.status == RowStatus.CHANGED:
            product = planned.product
            for attr, value in planned.values.items():
                setattr(product, attr, value)
            changed.append(product)
        else:
            continue
        _prepare(product)
        _publish_state(product, now)
        product.updated_at = now

    total = len(created) + len(changed)
    # Revisions of new products are serialised before they exist: an unsaved
    # product has no images or certificates to look up.
    new_content = [_new_product_content(product) for product in created]
    for batch in _chunks(created, BATCH_SIZE):
        Product.objects.bulk_create(batch, batch_size=BATCH_SIZE)
        if progress:
            progress(len(batch), total)
    for product, content in zip(created, new_content, strict=True):
        content["pk"] = product.pk
    changed_fields = sorted(
        {column.attr for column in plan.columns if column.attr != "slug"}
        | {
            "search_name",
            "search_text",
            "has_unpublished_changes",
            "first_published_at",
            "last_published_at",
            "updated_at",
        }
    )
    for batch in _chunks(changed, BATCH_SIZE):
        # Stock included on purpose: the digest check above proves no order
        # moved it since the preview.
        Product.objects.bulk_update(batch, changed_fields, batch_size=BATCH_SIZE)
        if progress:
            progress(len(batch), total)
    contents = new_content + [product.serializable_data() for product in changed]
    _record_revisions(created + changed, contents, user, now)
    for backend in get_search_backends(with_auto_update=True):
        backend.add_bulk(Product, created + changed)
    return {product.pk for product in created + changed}


def _new_product_content(product: Product) -> dict:
    """What `serializable_data()` gives for a product with no relations yet,
    without the per-object queryset building it costs (10,000 rows: minutes)."""
    content = get_serializable_data_for_fields(product)
    for relation in get_all_child_relations(product):
        content[relation.get_accessor_name()] = []
    for m2m in get_all_child_m2m_relations(product):
        content[m2m.name] = []
    return content


def _record_revisions(products, contents, user, now) -> None:
    """A revision per written product, published if live, and a history line."""
    if not products:
        return
    content_type = ContentType.objects.get_for_model(Product)
    revisions = [
        Revision(
            content_type=content_type,
            base_content_type=content_type,
            object_id=str(product.pk),
            created_at=now,
            user=user,
            object_str=str(product)[:255],
            content=content,
        )
        for product, content in zip(products, contents, strict=True)
    ]
    Revision.objects.bulk_create(revisions, batch_size=BATCH_SIZE)
    # One UPDATE per chunk pointing each product at its newest revision: a
    # bulk_update would build a CASE of thousands of branches instead.
    newest = (
        Revision.objects.filter(
            content_type=content_type,
            object_id=Cast(OuterRef("pk"), output_field=CharField()),
        )
        .order_by("-created_at", "-pk")
        .values("pk")[:1]
    )
    for chunk in _chunks([product.pk for product in products]):
        Product.objects.filter(pk__in=chunk).update(latest_revision=Subquery(newest))
        Product.objects.filter(pk__in=chunk, live=True).update(
            live_revision=F("latest_revision")
        )
        Product.objects.filter(pk__in=chunk, live=False).update(live_revision=None)
    action_uuid = uuid.uuid4()
    CooperativeLogEntry.objects.bulk_create(
        [
            CooperativeLogEntry(
                content_type=content_type,
                object_id=str(product.pk),
                cooperative_id=product.cooperative_id,
                label=str(product)[:255],
                action=LOG_ACTION,
                timestamp=now,
                uuid=action_uuid,
                user=user,
                revision=revision,
                content_changed=True,
                data={},
            )
            for product, revision in zip(products, revisions, strict=True)
        ],
        batch_size=BATCH_SIZE,
    )


# --- Export -------------------------------------------------------------------------


def export_rows(cooperative: Cooperative) -> Iterable[list]:
    """Headings, then one row per product of `cooperative`, in the import format."""
    lookups = Lookups.load()
    yield [str(column.heading) for column in COLUMNS]
    products = Product.objects.filter(cooperative=cooperative).order_by("slug")
    for product in products.iterator(chunk_size=2000):
        yield [column.cell(product, lookups) for column in COLUMNS]


def export_csv(cooperative: Cooperative) -> bytes:
    return spreadsheets.csv_bytes(export_rows(cooperative))


def export_xlsx(cooperative: Cooperative) -> bytes:
    return spreadsheets.xlsx_bytes(export_rows(cooperative), gettext("Sản phẩm"))


def summary_message(plan: Plan) -> str:
    counts = plan.counts
    return gettext(
        "Đã nhập %(count)s dòng: %(new)s sản phẩm mới, %(changed)s thay đổi, "
        "%(unchanged)s không đổi."
    ) % {
        "count": len(plan.rows),
        "new": counts[RowStatus.NEW],
        "changed": counts[RowStatus.CHANGED],
        "unchanged": counts[RowStatus.UNCHANGED],
    }
