"""The product import pages: export, upload, preview, confirm, and their tenancy."""

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from market.models import Product, ProductImport
from tests.market.factories import ProductFactory
from tests.tenancy import MARKER, build_world

pytestmark = pytest.mark.django_db

INDEX = reverse("market_product_import:index")
EXPORT = reverse("market_product_import:export")
PRODUCTS = reverse("wagtailsnippets_market_product:list")


def preview_url(upload):
    return reverse("market_product_import:preview", args=(upload.pk,))


@pytest.fixture
def world():
    return build_world()


def exported(world, client, file_format="csv"):
    response = client.get(
        EXPORT, {"cooperative": world.coop_a.pk, "format": file_format}
    )
    assert response.status_code == 200
    return response.content


def upload(client, world, data, name="san-pham.csv", cooperative=None):
    cooperative = cooperative or world.coop_a
    return client.post(
        INDEX,
        {
            "cooperative": cooperative.pk,
            "file": SimpleUploadedFile(name, data, "application/octet-stream"),
        },
    )


def with_rows(data: bytes, *rows) -> bytes:
    text = data.decode("utf-8-sig")
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return (text + out.getvalue()).encode("utf-8-sig")


def test_product_listing_offers_import_and_export_to_editors(client, world):
    client.force_login(world.editor_a)
    content = client.get(PRODUCTS).content.decode()
    assert "Nhập từ tệp" in content
    assert f"{EXPORT}?cooperative={world.coop_a.pk}&amp;format=csv" in content


def test_export_is_the_editors_cooperative_in_the_import_format(client, world):
    client.force_login(world.editor_a)
    for params in ({"format": "csv"}, {"cooperative": world.coop_a.pk}):
        response = client.get(EXPORT, params)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith(
            'attachment; filename="san-pham-htx-a-'
        )
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeffĐường dẫn,Tên sản phẩm,Danh mục,Giá (đồng)")
    assert "che-bup-a" in text and MARKER not in text.lower()
    sheet = openpyxl.load_workbook(io.BytesIO(exported(world, client, "xlsx"))).active
    assert [cell.value for cell in sheet[2]][:3] == ["che-bup-a", "Chè búp A", "che"]


@pytest.mark.parametrize(
    "params",
    [
        {"cooperative": "B"},
        {"cooperative": "abc"},
        {"format": "pdf"},
    ],
)
def test_export_of_another_cooperative_or_unknown_format_is_not_found(
    client, world, params
):
    client.force_login(world.editor_a)
    if params.get("cooperative") == "B":
        params = {"cooperative": world.coop_b.pk}
    assert client.get(EXPORT, params).status_code == 404


def test_staff_choose_the_cooperative_to_export(client, world):
    client.force_login(world.staff)
    response = client.get(EXPORT, {"format": "xlsx"})
    assert response.status_code == 302 and response["Location"].startswith(INDEX)
    response = client.get(EXPORT, {"format": "csv", "cooperative": world.coop_b.pk})
    assert "mat-ong-zqxb" in response.content.decode()


def test_editor_uploads_previews_and_confirms_an_import(client, world):
    client.force_login(world.editor_a)
    data = with_rows(
        exported(world, client),
        ["che-moi", "Chè mới", "che", "120.000", "kg", "5", "", "", "", "", "", "có"],
    )
    data = data.replace(b",150000,", b",155000,")  # Chè búp A's price
    response = upload(client, world, data)
    created = ProductImport.objects.get(cooperative=world.coop_a)
    assert response.status_code == 302 and response["Location"] == preview_url(created)
    assert (created.new_count, created.changed_count) == (1, 1)
    assert created.cooperative == world.coop_a and created.created_by == world.editor_a

    page = client.get(preview_url(created)).content.decode()
    assert "150.000 ₫ → 155.000 ₫" in page
    assert "Nhập 2 sản phẩm" in page
    assert not Product.objects.filter(slug="che-moi").exists()

    response = client.post(preview_url(created), {"digest": created.plan_digest})
    assert response.status_code == 302 and response["Location"].startswith(PRODUCTS)
    assert Product.objects.get(slug="che-moi").cooperative == world.coop_a
    world.product_a.refresh_from_db()
    assert world.product_a.price == 155000
    listing = client.get(response["Location"]).content.decode()
    assert "Đã nhập 2 dòng: 1 sản phẩm mới, 1 thay đổi" in listing
    assert "Chè mới" in listing


def test_rows_with_errors_are_listed_and_cannot_be_confirmed(client, world):
    client.force_login(world.editor_a)
    data = with_rows(
        exported(world, client),
        ["mat-ong-zqxb", "Lấy của B", "che", "120000", "kg"],
        ["re-qua", "Rẻ quá", "che", "500", "kg"],
    )
    upload(client, world, data)
    created = ProductImport.objects.get(cooperative=world.coop_a)
    assert created.error_count == 2
    page = client.get(preview_url(created)).content.decode()
    assert "Có 2 dòng lỗi" in page
    assert "Dòng 3, cột “Đường dẫn”" in page
    assert "Dòng 4, cột “Giá (đồng)”: Giá tối thiểu là 1.000 ₫." in page
    assert 'name="digest"' not in page
    assert MARKER not in page.replace("mat-ong-zqxb", "").lower()

    response = client.post(preview_url(created), {"digest": created.plan_digest})
    assert response.status_code == 302
    assert not Product.objects.filter(slug="re-qua").exists()
    page = client.get(response["Location"]).content.decode()
    assert "Tệp còn dòng lỗi" in page


def test_a_catalogue_change_after_the_preview_is_refused_with_a_message(client, world):
    client.force_login(world.editor_a)
    upload(client, world, exported(world, client).replace(b",150000,", b",155000,"))
    created = ProductImport.objects.get(cooperative=world.coop_a)
    digest = created.plan_digest
    Product.objects.filter(pk=world.product_a.pk).update(stock=1)  # an order
    response = client.post(preview_url(created), {"digest": digest})
    page = client.get(response["Location"]).content.decode()
    assert "Dữ liệu đã thay đổi từ lúc xem trước" in page
    world.product_a.refresh_from_db()
    assert world.product_a.price == 150000
    # The page now shows the current plan, which may be confirmed.
    created.refresh_from_db()
    assert created.plan_digest != digest
    client.post(preview_url(created), {"digest": created.plan_digest})
    world.product_a.refresh_from_db()
    assert world.product_a.price == 155000


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "a.csv", "Tệp trống."),
        (b"%PDF-1.4", "a.pdf", "Chỉ nhận tệp CSV"),
        ("Tên,Giá\nChè,1\n".encode("cp1258"), "a.csv", "CSV UTF-8"),
        (b"Ten,Gia\nChe,1000\n", "a.csv", "Thiếu cột"),
        (b"PK\x03\x04broken", "a.xlsx", "Không đọc được tệp Excel"),
    ],
)
def test_unreadable_uploads_are_explained_on_the_form(
    client, world, data, name, message
):
    client.force_login(world.editor_a)
    response = upload(client, world, data, name=name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ProductImport.objects.filter(cooperative=world.coop_a).exists()


def test_editor_cannot_choose_another_cooperative_or_open_its_upload(client, world):
    client.force_login(world.editor_a)
    response = upload(client, world, exported(world, client), cooperative=world.coop_b)
    assert response.status_code == 200
    assert "Chọn một hợp tác xã bạn quản lý." in response.content.decode()
    assert not ProductImport.objects.filter(cooperative=world.coop_a).exists()
    url = preview_url(world.import_b)
    assert client.get(url).status_code == 404
    assert client.post(url, {"digest": world.import_b.plan_digest}).status_code == 404
    world.import_b.refresh_from_db()
    assert world.import_b.status == ProductImport.Status.PREVIEWED


def test_people_without_product_permissions_are_refused(client, world):
    from tests.producers.factories import UserFactory

    user = UserFactory(username="khach")
    client.force_login(user)
    for url in (INDEX, EXPORT, preview_url(world.import_b)):
        assert client.get(url).status_code in (302, 403)


def test_staff_import_for_any_cooperative(client, world):
    client.force_login(world.staff)
    response = client.get(INDEX)
    assert "Hợp tác xã ZQXB" in response.content.decode()  # the choice
    client.post(preview_url(world.import_b), {"digest": world.import_b.plan_digest})
    world.product_b.refresh_from_db()
    assert world.product_b.price == 99000


@pytest.mark.parametrize("n_rows", [10, 200])
def test_preview_page_runs_a_fixed_number_of_queries(
    client, world, n_rows, django_assert_max_num_queries
):
    client.force_login(world.editor_a)
    for n in range(0, n_rows, 2):
        ProductFactory(cooperative=world.coop_a, category=world.category, slug=f"p{n}")
    rows = [[f"p{n}", f"Sản phẩm {n}", "che", "20000", "kg"] for n in range(n_rows)]
    upload(client, world, with_rows(exported(world, client), *rows))
    created = ProductImport.objects.get(cooperative=world.coop_a)
    client.get(preview_url(created))  # warm the admin's caches
    with django_assert_max_num_queries(20):
        response = client.get(preview_url(created), {"status": "new"})
    assert response.status_code == 200
    assert created.new_count == n_rows // 2
