"""The product admin: drafts, publishing, revisions, scoped forms and listing cost."""

import pytest
from django.urls import reverse
from wagtail.models import Revision

from market.models import Product
from producers.models import CooperativeLogEntry
from tests.market.factories import ProductFactory
from tests.producers.factories import make_image
from tests.tenancy import MARKER, build_world, product_form_data

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"wagtailsnippets_market_product:{name}", args=args)


@pytest.fixture
def world():
    return build_world()


def test_district_staff_edit_data_is_valid_so_the_tenancy_walk_is_not_vacuous(
    client, world
):
    client.force_login(world.staff)
    response = client.post(
        url("edit", world.product_b.pk),
        product_form_data(world, **{"action-publish": "action-publish"}),
    )
    assert response.status_code == 302, response.context["form"].errors
    world.product_b.refresh_from_db()
    assert world.product_b.name == "Đã bị sửa"
    assert world.product_b.live


def test_editor_creates_a_product_that_is_forced_into_their_cooperative(client, world):
    client.force_login(world.editor_a)
    data = product_form_data(
        world,
        world.product_a,
        cooperative=world.coop_b.pk,  # ignored: the field is locked to A
        name="Chè xanh mới",
        slug="che-xanh-moi",
        certifications=[world.cert_a.pk],
        images=[],
    )
    data.update(
        {
            "images-TOTAL_FORMS": "0",
            "images-INITIAL_FORMS": "0",
            "images-MIN_NUM_FORMS": "0",
            "images-MAX_NUM_FORMS": "1000",
        }
    )
    response = client.post(url("add"), data)
    assert response.status_code == 302
    product = Product.objects.get(slug="che-xanh-moi")
    assert product.cooperative == world.coop_a
    assert not product.live  # saved as a draft until published
    draft = product.get_latest_revision_as_object()
    assert draft.cooperative == world.coop_a
    assert list(draft.certifications.all()) == [world.cert_a]


def test_product_form_offers_only_the_editors_cooperative_and_certifications(
    client, world
):
    client.force_login(world.editor_a)
    response = client.get(url("add"))
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.fields["cooperative"].queryset) == [world.coop_a]
    assert form.fields["cooperative"].disabled
    assert list(form.fields["certifications"].queryset) == [world.cert_a]
    assert MARKER not in response.content.decode().lower()


def test_editor_cannot_attach_another_cooperatives_certificate_or_image(client, world):
    client.force_login(world.editor_a)
    data = product_form_data(
        world,
        world.product_a,
        certifications=[world.cert_b.pk],
        images=[],
    )
    data.update(
        {
            "images-TOTAL_FORMS": "1",
            "images-INITIAL_FORMS": "0",
            "images-MIN_NUM_FORMS": "0",
            "images-MAX_NUM_FORMS": "1000",
            "images-0-image": str(world.image_b.pk),
            "images-0-caption": "",
            "images-0-id": "",
            "images-0-ORDER": "1",
            "images-0-DELETE": "",
        }
    )
    response = client.post(url("edit", world.product_a.pk), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "certifications" in form.errors
    assert "image" in form.formsets["images"].forms[0].errors
    world.product_a.refresh_from_db()
    assert world.product_a.name == "Chè búp A"


def test_staff_cannot_mix_cooperatives_in_one_product(client, world):
    client.force_login(world.staff)
    data = product_form_data(world, world.product_a, certifications=[world.cert_b.pk])
    response = client.post(url("edit", world.product_a.pk), data)
    assert response.status_code == 200
    assert "certifications" in response.context["form"].errors


def test_editor_edits_publishes_and_sees_revisions_of_own_product(client, world):
    client.force_login(world.editor_a)
    product = world.product_a
    data = product_form_data(world, product, name="Chè búp A mới")
    response = client.post(url("edit", product.pk), data)
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.name == "Chè búp A"  # a draft does not touch the live row
    assert product.has_unpublished_changes

    data["action-publish"] = "action-publish"
    response = client.post(url("edit", product.pk), data)
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.name == "Chè búp A mới"
    assert product.live

    history = client.get(url("history", product.pk))
    assert history.status_code == 200
    revisions = Revision.objects.for_instance(product).order_by("created_at")
    assert revisions.count() == 2
    first, latest = revisions
    compare = client.get(url("revisions_compare", product.pk, first.pk, latest.pk))
    assert compare.status_code == 200
    assert client.get(url("revisions_view", product.pk, first.pk)).status_code == 200
    assert client.get(url("revisions_revert", product.pk, first.pk)).status_code == 200


def test_editor_can_lock_and_unlock_own_product(client, world):
    client.force_login(world.editor_a)
    product = world.product_a
    assert client.post(url("lock", product.pk)).status_code == 302
    product.refresh_from_db()
    assert product.locked and product.locked_by == world.editor_a
    assert client.post(url("unlock", product.pk)).status_code == 302
    product.refresh_from_db()
    assert not product.locked


def test_listing_shows_editors_own_products_and_staff_everything(client, world):
    client.force_login(world.editor_a)
    response = client.get(url("list"))
    assert response.status_code == 200
    assert list(response.context["object_list"]) == [world.product_a]

    client.force_login(world.staff)
    response = client.get(url("list"))
    assert set(response.context["object_list"]) == {world.product_a, world.product_b}


def test_admin_search_ignores_diacritics(client, world):
    client.force_login(world.editor_a)
    response = client.get(url("list_results"), {"q": "che bup"})
    assert list(response.context["object_list"]) == [world.product_a]
    response = client.get(url("list_results"), {"q": "Chè Búp"})
    assert list(response.context["object_list"]) == [world.product_a]


def test_export_contains_only_the_editors_products(client, world):
    client.force_login(world.editor_a)
    response = client.get(url("list"), {"export": "csv"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    assert "Chè búp A" in body
    assert MARKER not in body.lower()


def _images_formset(count=0):
    return {
        "images-TOTAL_FORMS": str(count),
        "images-INITIAL_FORMS": "0",
        "images-MIN_NUM_FORMS": "0",
        "images-MAX_NUM_FORMS": "1000",
    }


def test_product_list_query_count_does_not_grow_with_rows(
    client, world, django_assert_max_num_queries
):
    client.force_login(world.editor_a)
    for i in range(3):
        product = ProductFactory(cooperative=world.coop_a, category=world.category)
        product.images.create(image=make_image(world.coop_a.collection, f"a{i}"))
    client.get(url("list"))  # warm per-process caches (content types, site)
    with django_assert_max_num_queries(15) as few:
        assert client.get(url("list")).status_code == 200
    for _ in range(15):
        ProductFactory(cooperative=world.coop_a, category=world.category)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url("list"))
    assert len(response.context["object_list"]) == 19


def test_category_admin_is_district_staff_only(client, world):
    client.force_login(world.editor_a)
    category_url = reverse("wagtailsnippets_market_category:list")
    assert client.get(category_url).status_code in (302, 403)
    edit = reverse("wagtailsnippets_market_category:edit", args=[world.category.pk])
    response = client.post(edit, {"name": "Đổi tên", "slug": "che"})
    assert response.status_code in (302, 403)
    world.category.refresh_from_db()
    assert world.category.name == "Chè"

    client.force_login(world.staff)
    assert client.get(category_url).status_code == 200


def test_copy_prefills_the_create_form_but_never_saves_over_the_original(client, world):
    client.force_login(world.editor_a)
    response = client.get(url("copy", world.product_a.pk))
    assert response.status_code == 200
    assert response.context["form"].initial["name"] == "Chè búp A"
    assert response.context["action_url"] == url("add")

    data = product_form_data(world, world.product_a, slug="ban-sao", name="Bản sao")
    response = client.post(url("copy", world.product_a.pk), data)
    assert response.status_code == 405
    world.product_a.refresh_from_db()
    assert (world.product_a.name, world.product_a.slug) == ("Chè búp A", "che-bup-a")


def test_editor_previews_unsaved_changes_without_publishing_them(client, world):
    client.force_login(world.editor_a)
    preview_url = url("preview_on_edit", world.product_a.pk)
    data = product_form_data(world, world.product_a, name="Chè xanh bản xem trước")
    response = client.post(preview_url, data)
    assert response.status_code == 200
    assert response.json()["is_valid"] is True
    page = client.get(preview_url)
    assert page.status_code == 200
    assert "Chè xanh bản xem trước" in page.content.decode()
    world.product_a.refresh_from_db()
    assert world.product_a.name != "Chè xanh bản xem trước"


# --- Stock: its own page, never the product form -----------------------------------


def stock_url(product):
    return reverse("market_stock:index", args=[product.pk])


def _stock(product):
    return Product.objects.values_list("stock", flat=True).get(pk=product.pk)


def test_product_form_has_no_stock_and_publishing_keeps_the_live_count(client, world):
    client.force_login(world.editor_a)
    product = world.product_a
    response = client.get(url("edit", product.pk))
    assert "stock" not in response.context["form"].fields
    assert stock_url(product) in response.content.decode()

    Product.objects.filter(pk=product.pk).update(stock=7)  # an order meanwhile
    data = product_form_data(world, product, name="Chè búp A mới", stock="999")
    data["action-publish"] = "action-publish"
    assert client.post(url("edit", product.pk), data).status_code == 302
    product.refresh_from_db()
    assert product.name == "Chè búp A mới"
    assert product.stock == 7


def test_listing_shows_stock_and_offers_the_adjust_stock_page(client, world):
    client.force_login(world.editor_a)
    response = client.get(url("list"))
    body = response.content.decode()
    assert stock_url(world.product_a) in body
    assert stock_url(world.product_b) not in body


def test_editor_adds_received_units_and_the_change_is_logged(client, world):
    product = world.product_a
    before = _stock(product)
    client.force_login(world.editor_a)
    assert client.get(stock_url(product)).status_code == 200

    response = client.post(
        stock_url(product),
        {"mode": "add", "quantity": "12", "expected": "0", "note": "Vụ mới"},
    )
    assert response.status_code == 302
    assert _stock(product) == before + 12
    entry = CooperativeLogEntry.objects.get(action="market.stock_adjust")
    assert entry.object_id == str(product.pk)
    assert entry.cooperative_id == world.coop_a.pk
    assert entry.data == {
        "mode": "add",
        "before": before,
        "after": before + 12,
        "note": "Vụ mới",
    }
    assert entry.user == world.editor_a
    history = client.get(url("history", product.pk))
    assert "Điều chỉnh tồn kho" in history.content.decode()


def test_a_count_taken_before_an_order_does_not_erase_that_order(client, world):
    product = world.product_a
    Product.objects.filter(pk=product.pk).update(stock=10)
    client.force_login(world.editor_a)
    page = client.get(stock_url(product))
    assert page.context["form"].initial["expected"] == 10
    Product.objects.filter(pk=product.pk).update(stock=8)  # two sold meanwhile

    response = client.post(
        stock_url(product), {"mode": "set", "quantity": "30", "expected": "10"}
    )
    assert response.status_code == 200
    assert _stock(product) == 8
    assert response.context["form"].initial["expected"] == 8

    response = client.post(
        stock_url(product), {"mode": "set", "quantity": "30", "expected": "8"}
    )
    assert response.status_code == 302
    assert _stock(product) == 30


@pytest.mark.parametrize(
    "data",
    [
        {"mode": "add", "quantity": "0", "expected": "0"},
        {"mode": "add", "quantity": "-3", "expected": "0"},
        {"mode": "set", "quantity": "abc", "expected": "0"},
        {"mode": "steal", "quantity": "3", "expected": "0"},
        {"mode": "set", "quantity": "99999999999", "expected": "0"},
        {"mode": "add", "quantity": "3"},
    ],
)
def test_bad_stock_input_is_a_form_error(client, world, data):
    before = _stock(world.product_a)
    client.force_login(world.editor_a)
    response = client.post(stock_url(world.product_a), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert _stock(world.product_a) == before


def test_editor_cannot_adjust_another_cooperatives_stock(client, world):
    before = _stock(world.product_b)
    client.force_login(world.editor_a)
    assert client.get(stock_url(world.product_b)).status_code == 404
    response = client.post(
        stock_url(world.product_b), {"mode": "set", "quantity": "0", "expected": "0"}
    )
    assert response.status_code == 404
    assert _stock(world.product_b) == before
    assert client.get("/admin/cho/ton-kho/999999/").status_code == 404


def test_staff_adjust_any_cooperatives_stock(client, world):
    client.force_login(world.staff)
    response = client.post(
        stock_url(world.product_b), {"mode": "add", "quantity": "5", "expected": "0"}
    )
    assert response.status_code == 302
