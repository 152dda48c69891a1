"""Product spreadsheets: reading, row checks, the plan, its digest, applying whole."""

import csv
import io
import time
import zipfile

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.models import Revision
from wagtail.search.backends import get_search_backend

from market import product_import as pi
from market.models import Product, ProductImport
from producers.models import CooperativeLogEntry
from tests.market.factories import CategoryFactory, ProductFactory
from tests.producers.factories import CooperativeFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADINGS = [
    "Đường dẫn",
    "Tên sản phẩm",
    "Danh mục",
    "Giá (đồng)",
    "Đơn vị",
    "Tồn kho",
    "Đặt tối thiểu",
    "Mô tả ngắn",
    "Hạng OCOP",
    "GTIN",
    "Mùa vụ (tháng)",
    "Đang bán",
]


def row(slug, name="Chè xanh", category="che", price="150000", unit="kg", **extra):
    values = {
        "stock": "10",
        "moq": "1",
        "summary": "",
        "ocop": "",
        "gtin": "",
        "season": "",
        "live": "có",
        **extra,
    }
    return [
        slug,
        name,
        category,
        price,
        unit,
        values["stock"],
        values["moq"],
        values["summary"],
        values["ocop"],
        values["gtin"],
        values["season"],
        values["live"],
    ]


def csv_bytes(rows, headings=HEADINGS, encoding="utf-8-sig", delimiter=","):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(headings)
    writer.writerows(rows)
    # Windows code pages lack some Vietnamese letters: "?" as Excel writes.
    return out.getvalue().encode(encoding, errors="replace")


def xlsx_bytes(rows, headings=HEADINGS):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headings)
    for values in rows:
        sheet.append(values)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture
def coop():
    CategoryFactory(name="Chè", slug="che")
    CategoryFactory(name="Mật ong", slug="mat-ong")
    return CooperativeFactory(name="HTX Chè Thanh Chương", slug="htx-che")


@pytest.fixture
def user():
    return UserFactory(username="nhap")


def preview(coop, data, name="san-pham.csv", **kwargs):
    return pi.preview_import(coop, file_name=name, data=data, **kwargs)


def errors_of(plan):
    return [(r.number, e.column, e.message) for r in plan.rows for e in r.errors]


# --- Reading files ------------------------------------------------------------------


def test_csv_and_xlsx_with_vietnamese_headings_are_read_alike(coop):
    rows = [row("che-1", "Chè búp Thanh Chương", price="150.000", ocop="4")]
    _, from_csv = preview(coop, csv_bytes(rows), save=False)
    _, from_xlsx = preview(coop, xlsx_bytes(rows), name="a.xlsx", save=False)
    for plan in (from_csv, from_xlsx):
        (planned,) = plan.rows
        assert planned.status == pi.RowStatus.NEW
        assert planned.values["price"] == 150000
        assert planned.values["ocop_stars"] == 4
        assert planned.values["name"] == "Chè búp Thanh Chương"
        assert planned.number == 2


@pytest.mark.parametrize(
    "unit", ["500g", "gói 500 g", "goi 500g", "500 g pack", "Bunch", "nải"]
)
def test_units_are_read_by_code_or_by_name_in_either_language(coop, unit):
    _, plan = preview(coop, csv_bytes([row("che-1", unit=unit)]), save=False)
    (planned,) = plan.rows
    assert not planned.errors
    assert planned.values["unit"] in ("500g", "bunch")


def test_headings_match_without_diacritics_case_or_spaces_and_in_english(coop):
    headings = [
        "slug",
        "NAME",
        "danh muc",
        "Gia  (dong)",
        "unit",
        "Stock",
        "min_order_quantity",
        "summary",
        "ocop",
        "gtin",
        "season",
        "live",
    ]
    _, plan = preview(coop, csv_bytes([row("che-1")], headings), save=False)
    assert plan.rows[0].status == pi.RowStatus.NEW


def test_semicolon_separated_csv_from_vietnamese_excel_is_read(coop):
    data = csv_bytes([row("che-1", price="150.000")], delimiter=";")
    _, plan = preview(coop, data, save=False)
    assert plan.rows[0].values["price"] == 150000


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "a.csv", "Tệp trống"),
        (b"\xef\xbb\xbf\r\n\r\n", "a.csv", "Tệp trống"),
        (csv_bytes([]), "a.csv", "chưa có sản phẩm"),
        (b"x", "a.pdf", "Chỉ nhận tệp CSV"),
        (b"x", "a.xls", "Sổ làm việc Excel (.xlsx)"),
        (b"not a zip", "a.xlsx", "Không đọc được tệp Excel"),
        (csv_bytes([row("a")], encoding="cp1258"), "a.csv", "UTF-8"),
        (
            "Đường dẫn,Tên\nche,Chè\n".encode("utf-8-sig").replace(
                b"\xc3\xaa", b"\xea"
            ),
            "a.csv",
            "UTF-8",
        ),
        ("Tên,Giá\nx,1\n".encode("latin-1"), "a.csv", "UTF-8"),
        (b"a,b\x00,c\n1,2,3\n", "a.csv", "ký tự lạ"),
    ],
)
def test_unreadable_files_get_a_reason_and_nothing_is_stored(coop, data, name, message):
    with pytest.raises(pi.ImportFileError) as raised:
        preview(coop, data, name=name)
    assert message in str(raised.value.message)
    assert not ProductImport.objects.exists()


def test_cp1258_bytes_say_how_to_save_as_utf8_in_excel(coop):
    data = csv_bytes([row("che-1", "Chè búp")], encoding="cp1258")
    with pytest.raises(pi.ImportFileError) as raised:
        preview(coop, data)
    assert "CSV UTF-8" in str(raised.value.message)


def test_missing_and_unknown_columns_are_named(coop):
    headings = ["Đường dẫn", "Tên sản phẩm", "Giá (đồng)", "Màu sắc", "Tên"]
    data = csv_bytes([["a", "b", "1000", "đỏ", "c"]], headings)
    with pytest.raises(pi.ImportFileError) as raised:
        preview(coop, data)
    message = str(raised.value.message)
    assert "Thiếu cột: “Danh mục”, “Đơn vị”" in message
    assert "Cột không nhận ra: “Màu sắc”" in message
    assert "Cột bị lặp: “Tên”" in message


def test_an_xlsx_that_inflates_far_beyond_its_size_is_refused_before_parsing(coop):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b" " * 80_000_000 + b">")
    with pytest.raises(pi.ImportFileError) as raised:
        preview(coop, out.getvalue(), name="bom.xlsx")
    assert "bung ra quá lớn" in str(raised.value.message)


def test_files_over_the_size_and_row_limits_are_refused(coop, settings):
    with pytest.raises(pi.ImportFileError, match="lớn hơn 5 MB"):
        preview(coop, b"a" * (pi.MAX_UPLOAD_BYTES + 1))
    rows = [row(f"p-{n}") for n in range(pi.MAX_ROWS + 1)]
    with pytest.raises(pi.ImportFileError, match="hơn 20.000 dòng"):
        preview(coop, csv_bytes(rows))


# --- Row checks ---------------------------------------------------------------------


def test_each_bad_cell_gets_a_vietnamese_error_with_its_row_and_column(coop):
    other = CooperativeFactory(name="HTX Khác")
    ProductFactory(cooperative=other, slug="cua-nguoi-khac", gtin="")
    ProductFactory(cooperative=other, slug="co-gtin", gtin="08934567890120")
    rows = [
        row("gia-sai", price="mười nghìn"),
        row("gia-thap", price="900"),
        row("danh-muc-la", category="rau"),
        row("don-vi-la", unit="thùng"),
        row("trung"),
        row("trung"),
        row("cua-nguoi-khac"),
        row("gtin-sai", gtin="8934567890123"),
        row("ocop-sai", ocop="6"),
        row("thieu-ten", name=""),
        row("cong-thuc", name='=HYPERLINK("http://x")'),
        row("dai-qua", summary="x" * 256),
        row("gtin-cua-khac", gtin="8934567890120"),
        row("mua-sai", season="13"),
        row("ban-sai", live="có lẽ"),
        row("Chè xanh"),
    ]
    _, plan = preview(coop, csv_bytes(rows))
    errors = errors_of(plan)
    expected = [
        (2, "Giá (đồng)", "Giá “mười nghìn” không hợp lệ"),
        (3, "Giá (đồng)", "Giá tối thiểu là 1.000"),
        (4, "Danh mục", "Không có danh mục “rau”"),
        (5, "Đơn vị", "Không có đơn vị “thùng”"),
        (7, "Đường dẫn", "trùng với dòng 6"),
        (8, "Đường dẫn", "đã được một sản phẩm khác dùng"),
        (9, "GTIN", "Số kiểm tra của GTIN không đúng"),
        (10, "Hạng OCOP", "chỉ nhận 3, 4, 5"),
        (11, "Tên sản phẩm", "Thiếu tên sản phẩm"),
        (12, "Tên sản phẩm", "công thức"),
        (13, "Mô tả ngắn", "dài quá 255"),
        (14, "GTIN", "đã được một sản phẩm khác dùng"),
        (15, "Mùa vụ (tháng)", "các tháng từ 1 đến 12"),
        (16, "Đang bán", "“có” hoặc “không”"),
        (17, "Đường dẫn", "chữ không dấu"),
    ]
    assert len(errors) == len(expected), errors
    for (number, column, message), (e_number, e_column, e_message) in zip(
        errors, expected, strict=True
    ):
        assert (number, column) == (e_number, e_column)
        assert e_message in message
    # Whose product holds the slug stays private.
    assert not any("HTX Khác" in message for _, _, message in errors)
    assert plan.count(pi.RowStatus.NEW) == 1  # the first "trung"


def test_a_formula_in_an_xlsx_cell_is_an_error(coop):
    data = xlsx_bytes([row("che-1", price="=1000*150")])
    _, plan = preview(coop, data, name="a.xlsx")
    ((number, column, message),) = errors_of(plan)
    assert (number, column) == (2, "Giá (đồng)")
    assert "công thức" in message


def test_numbers_typed_in_excel_cells_are_read_as_numbers(coop):
    data = xlsx_bytes(
        [["che-1", "Chè", "che", 150000, "kg", 12.0, 2, "", 5, 8934567890120, "", True]]
    )
    _, plan = preview(coop, data, name="a.xlsx")
    values = plan.rows[0].values
    assert (values["price"], values["stock"], values["ocop_stars"]) == (150000, 12, 5)
    assert values["gtin"] == "08934567890120"
    assert values["live"] is True


def test_months_are_read_and_written_as_ranges():
    assert pi.format_months(pi.parse_months("1-3, 11")) == "1-3,11"
    assert pi.parse_months("") == 0
    with pytest.raises(ValueError):
        pi.parse_months("3-1")


# --- Planning and applying ----------------------------------------------------------


def test_preview_writes_nothing_and_apply_writes_every_row(coop, user):
    existing = ProductFactory(
        cooperative=coop, slug="che-cu", name="Chè cũ", price=100000, stock=5
    )
    rows = [
        row("che-moi", "Chè mới", price="120000", stock="7", season="3-5", live="có"),
        row("che-nhap", "Chè nháp", live="không"),
        row("che-cu", "Chè cũ", price="110000", stock="5", summary="Ngon"),
    ]
    product_import, plan = preview(coop, csv_bytes(rows), user=user)
    assert Product.objects.count() == 1
    assert (product_import.new_count, product_import.changed_count) == (2, 1)
    changes = {c.column: (c.before, c.after) for c in plan.rows[2].changes}
    assert changes["Giá (đồng)"] == ("100.000 ₫", "110.000 ₫")
    assert changes["Mô tả ngắn"] == ("", "Ngon")
    assert "Tồn kho" not in changes

    pi.apply_import(product_import, user=user)

    new = Product.objects.get(slug="che-moi")
    assert (new.price, new.stock, new.season, new.live) == (120000, 7, [3, 4, 5], True)
    assert new.cooperative == coop and new.first_published_at is not None
    assert new.live_revision == new.latest_revision
    assert new.search_text == "che moi htx che thanh chuong"
    assert new.search_name == "che moi"
    draft = Product.objects.get(slug="che-nhap")
    assert not draft.live and draft.has_unpublished_changes
    assert draft.live_revision is None and draft.latest_revision is not None
    existing.refresh_from_db()
    assert (existing.price, existing.summary) == (110000, "Ngon")
    assert Revision.objects.for_instance(existing).get().content["price"] == 110000
    product_import.refresh_from_db()
    assert product_import.status == ProductImport.Status.APPLIED
    assert product_import.applied_at is not None
    assert CooperativeLogEntry.objects.filter(
        action=pi.LOG_ACTION, object_id=str(coop.pk), cooperative=coop
    ).exists()
    assert CooperativeLogEntry.objects.filter(
        action=pi.LOG_ACTION, object_id=str(existing.pk), revision__isnull=False
    ).exists()
    with pytest.raises(pi.ImportRefused, match="đã được nhập rồi"):
        pi.apply_import(product_import, user=user)


def test_imported_products_are_found_by_admin_search(coop, user):
    product_import, _ = preview(coop, csv_bytes([row("mat-ong", "Mật ong rừng")]))
    pi.apply_import(product_import, user=user)
    found = get_search_backend().search("Mật ong", Product)
    assert list(found) == [Product.objects.get(slug="mat-ong")]


def test_columns_left_out_keep_values_of_existing_products(coop):
    product = ProductFactory(cooperative=coop, slug="che-1", stock=9, summary="Cũ")
    headings = ["Đường dẫn", "Tên sản phẩm", "Danh mục", "Giá (đồng)", "Đơn vị"]
    category = product.category.slug
    data = csv_bytes([["che-1", "Tên mới", category, "160000", "kg"]], headings)
    product_import, plan = preview(coop, data)
    assert [c.column for c in plan.rows[0].changes] == ["Tên sản phẩm", "Giá (đồng)"]
    pi.apply_import(product_import)
    product.refresh_from_db()
    assert (product.name, product.stock, product.summary) == ("Tên mới", 9, "Cũ")


def test_a_file_with_errors_cannot_be_applied(coop):
    product_import, _ = preview(coop, csv_bytes([row("a"), row("b", price="0")]))
    with pytest.raises(pi.ImportRefused, match="dòng lỗi"):
        pi.apply_import(product_import)
    assert not Product.objects.exists()


def test_an_order_between_preview_and_apply_makes_apply_refuse(coop):
    product = ProductFactory(cooperative=coop, slug="che-1", stock=10)
    category = product.category.slug
    rows = [row("che-1", product.name, category, str(product.price), stock="10")]
    product_import, plan = preview(coop, csv_bytes(rows))
    assert plan.rows[0].status == pi.RowStatus.UNCHANGED
    Product.objects.filter(pk=product.pk).update(stock=8)  # an order took two
    with pytest.raises(pi.ImportRefused, match="hãy xem lại"):
        pi.apply_import(product_import)
    product.refresh_from_db()
    assert product.stock == 8
    assert ProductImport.objects.get().status == ProductImport.Status.PREVIEWED


def test_gtins_swapped_between_two_products_are_reported_not_half_written(coop):
    a = ProductFactory(cooperative=coop, slug="a", gtin="08934567890120")
    b = ProductFactory(cooperative=coop, slug="b", gtin="08934567890137")
    rows = [
        row("a", a.name, a.category.slug, gtin="08934567890137"),
        row("b", b.name, b.category.slug, gtin="08934567890120"),
    ]
    _, plan = preview(coop, csv_bytes(rows))
    assert [number for number, _, _ in errors_of(plan)] == [2, 3]


def test_a_failure_while_writing_leaves_nothing_written(committed_db, coop):
    # The importing account is deleted between preview and confirm: the
    # database refuses the history rows at the very end, and rolls back the
    # products written before them.
    user = UserFactory(username="se-bi-xoa")
    existing = ProductFactory(cooperative=coop, slug="che-cu", price=100000)
    rows = [
        row("che-moi"),
        row("che-cu", existing.name, existing.category.slug, price="120000"),
    ]
    product_import, _ = preview(coop, csv_bytes(rows), user=user)
    type(user).objects.filter(pk=user.pk).delete()
    with pytest.raises(pi.ImportRefused, match="chưa nhập gì"):
        pi.apply_import(product_import, user=user)
    assert list(Product.objects.values_list("slug", "price")) == [("che-cu", 100000)]
    assert not Revision.objects.exists()
    assert ProductImport.objects.get().status == ProductImport.Status.PREVIEWED


def test_export_reimports_with_every_row_unchanged(coop):
    ProductFactory(
        cooperative=coop,
        slug="che-1",
        name="=Chè đặc biệt",
        summary="-giảm giá",
        ocop_stars=4,
        gtin="08934567890120",
        season_months=pi.parse_months("1-3,11"),
        min_order_quantity=2,
        live=False,
    )
    ProductFactory(cooperative=coop, slug="mat-ong", unit="bottle")
    ProductFactory(slug="cua-htx-khac")
    for name, data in [
        ("a.csv", pi.export_csv(coop)),
        ("a.xlsx", pi.export_xlsx(coop)),
    ]:
        _, plan = preview(coop, data, name=name, save=False)
        assert [r.status for r in plan.rows] == [pi.RowStatus.UNCHANGED] * 2, [
            (r.errors, r.changes) for r in plan.rows
        ]


def test_export_guards_text_against_spreadsheet_formulas(coop):
    ProductFactory(cooperative=coop, slug="che-1", name="=HYPERLINK(1)")
    text = pi.export_csv(coop).decode("utf-8")
    assert text.startswith("\ufeffĐường dẫn,Tên sản phẩm")
    assert "'=HYPERLINK(1)" in text
    sheet = openpyxl.load_workbook(io.BytesIO(pi.export_xlsx(coop))).active
    assert sheet["B2"].value == "'=HYPERLINK(1)"
    assert sheet["B2"].data_type == "s"


@pytest.mark.parametrize("n_rows", [10, 200])
def test_preview_runs_a_fixed_number_of_queries(
    coop, n_rows, django_assert_max_num_queries
):
    for n in range(0, n_rows, 2):
        ProductFactory(cooperative=coop, slug=f"p-{n}")
    data = csv_bytes([row(f"p-{n}", gtin="") for n in range(n_rows)])
    with django_assert_max_num_queries(5):
        preview(coop, data)


# --- Big files ----------------------------------------------------------------------


def big_rows(n, bad_last=False):
    rows = [
        row(f"san-pham-{i}", f"Sản phẩm số {i}", price=str(10000 + i), stock=str(i))
        for i in range(n)
    ]
    if bad_last:
        rows[-1] = row("cuoi", price="abc")
    return rows


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_one_bad_row_at_the_end_of_ten_thousand_stops_them_all(coop, user, fmt):
    make = csv_bytes if fmt == "csv" else xlsx_bytes
    bad_import, bad_plan = preview(
        coop, make(big_rows(10_000, bad_last=True)), name=f"lon.{fmt}"
    )
    assert errors_of(bad_plan)[0][0] == 10_001
    assert bad_import.new_count == 9_999
    with pytest.raises(pi.ImportRefused):
        pi.apply_import(bad_import, user=user)
    assert not Product.objects.exists()
    assert not Revision.objects.exists()


def test_ten_thousand_rows_are_applied_at_once(coop, user, record_property):
    # Applied from CSV only: reading XLSX is covered above, writing is the same.
    started = time.perf_counter()
    product_import, plan = preview(coop, csv_bytes(big_rows(10_000)), user=user)
    pi.apply_import(product_import, user=user)
    elapsed = time.perf_counter() - started
    record_property("import_10000_csv_seconds", round(elapsed, 2))
    print(f"\n10.000 dòng: xem trước và nhập {elapsed:.1f} s")
    assert Product.objects.filter(cooperative=coop).count() == 10_000
    assert Revision.objects.count() == 10_000
    assert Product.objects.get(slug="san-pham-9999").stock == 9999

    # Re-importing the same file changes nothing.
    again, plan = preview(coop, csv_bytes(big_rows(10_000)))
    assert again.unchanged_count == 10_000


# --- Command ------------------------------------------------------------------------


def test_command_dry_run_writes_nothing_and_apply_imports(coop, user, tmp_path):
    path = tmp_path / "san-pham.csv"
    path.write_bytes(csv_bytes([row("che-1"), row("che-2")]))
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "import_products",
        str(path),
        cooperative="htx-che",
        dry_run=True,
        stdout=out,
        stderr=err,
    )
    assert "2 mới" in out.getvalue()
    assert not Product.objects.exists() and not ProductImport.objects.exists()
    call_command(
        "import_products",
        str(path),
        cooperative="htx-che",
        user="nhap",
        stdout=out,
        stderr=err,
    )
    assert Product.objects.count() == 2
    assert ProductImport.objects.get().created_by == user
    assert "dòng" in err.getvalue()  # the progress bar


def test_command_prints_row_errors_and_fails(coop, tmp_path):
    path = tmp_path / "san-pham.csv"
    path.write_bytes(csv_bytes([row("che-1"), row("che-2", price="9")]))
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_products",
            str(path),
            cooperative="htx-che",
            stdout=out,
            stderr=io.StringIO(),
        )
    assert "Dòng 3" in out.getvalue() and "Giá tối thiểu" in out.getvalue()
    assert not Product.objects.exists()


def test_command_refuses_unknown_cooperative_and_unreadable_file(coop, tmp_path):
    path = tmp_path / "san-pham.csv"
    path.write_bytes(b"")
    with pytest.raises(CommandError, match="Tệp trống"):
        call_command("import_products", str(path), cooperative="htx-che")
    with pytest.raises(CommandError, match="Không có hợp tác xã"):
        call_command("import_products", str(path), cooperative="khong-co")
