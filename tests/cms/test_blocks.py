"""StreamField blocks of the district's pages: templates, live data and previews."""

import datetime
import re
import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed
from wagtail.models import Page, Site

from cms.blocks import (
    BodyBlock,
    CallToActionBlock,
    CooperativeMapBlock,
    CooperativeSpotlightBlock,
    GalleryBlock,
    ImageBlock,
    LotHighlightBlock,
    ProductGridBlock,
    VideoBlock,
    product_grid,
)
from cms.models import HomePage, StandardPage
from market.fields import month_bit
from market.models import ProductImage
from producers import places
from producers.models import Certification, CooperativePhoto, Lot
from producers.qr import qr_svg_bytes
from tests.market.factories import CategoryFactory, ProductFactory
from tests.producers.factories import (
    CertificationFactory,
    CooperativeFactory,
    LotFactory,
    UserFactory,
    make_image,
)

pytestmark = pytest.mark.django_db

BLOCK_NAMES = list(BodyBlock().child_blocks)
CON_CUONG = 17254
CUA_LO = 16732  # Phường Cửa Lò, also in Nghệ An
CARD_NAME = re.compile(r'class="product-card__name"><a href="[^"]+">([^<]+)</a>')


# --- helpers -----------------------------------------------------------------


@pytest.fixture
def visitor_request():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    return request


@pytest.fixture
def editor_request():
    request = RequestFactory().get("/")
    request.user = UserFactory(username="bientap", is_staff=True, is_superuser=True)
    return request


@pytest.fixture
def home():
    root = Page.get_first_root_node()
    page = HomePage(title="Chợ Nông Sản", slug="trang-chu", heading="Nông sản sạch")
    root.add_child(instance=page)
    Site.objects.update(root_page=page)
    return page


def item(value):
    """A ListBlock item as the page editor stores it."""
    return {"type": "item", "value": value, "id": str(uuid.uuid4())}


def grid_raw(**fields):
    """A product grid block's stored value (ids, not objects), editor defaults."""
    raw = {
        "title": "Đặc sản đang mùa",
        "products": [],
        "category": None,
        "cooperative": None,
        "commune": None,
        "certification": None,
        "ocop_stars": None,
        "in_season": False,
        "in_stock": True,
        "sort": "newest",
        "count": 8,
    }
    raw.update(fields)
    raw["products"] = [item(pk) for pk in raw["products"]]
    return raw


def grid(**fields):
    """The grid's value as a page loaded from the database has it."""
    return ProductGridBlock().to_python(grid_raw(**fields))


def names(products):
    return [product.name for product in products]


def card_names(html):
    return CARD_NAME.findall(html)


def render(block, value, request=None):
    return str(block.render(value, {"request": request} if request else None))


def standard_page(home, *blocks, slug="mua-cam-vinh"):
    """A published page whose body holds `blocks` ((type, stored value) pairs),
    read back from the database as a visitor's request would."""
    page = StandardPage(
        title="Mùa cam Vinh 2026",
        slug=slug,
        body=[
            {"type": name, "value": value, "id": str(uuid.uuid4())}
            for name, value in blocks
        ],
    )
    home.add_child(instance=page)
    return StandardPage.objects.get(pk=page.pk)


def render_body(page, request):
    template = Template("{% load wagtailcore_tags %}{% include_block page.body %}")
    return template.render(Context({"page": page, "request": request}))


def described_image(title, description):
    image = make_image(title=title)
    image.description = description
    image.save(update_fields=["description"])
    return image


def published(days_ago):
    return timezone.now() - datetime.timedelta(days=days_ago)


@pytest.fixture
def world():
    """A small district: two cooperatives with photos, products, and a lot."""
    logo = make_image(title="Logo HTX Chè")
    photo = described_image("Đồi chè", "Đồi chè Thanh Chương buổi sớm")
    tea = CooperativeFactory(
        name="HTX Chè Thanh Chương",
        slug="htx-che-thanh-chuong",
        logo=logo,
        story="<p>" + " ".join(f"từ{n}" for n in range(60)) + " <b>cuối</b></p>",
        latitude="18.789000",
        longitude="105.123000",
    )
    CooperativePhoto.objects.create(cooperative=tea, image=photo, caption="Đồi chè")
    honey = CooperativeFactory(
        name="HTX Mật ong Con Cuông", slug="htx-mat-ong", is_verified=False
    )
    green_tea = CategoryFactory(name="Chè", slug="che")
    lot = LotFactory(cooperative=tea, code="CHE-2026-01", product_name="Chè búp khô")
    product = ProductFactory(
        name="Chè búp khô",
        cooperative=tea,
        category=green_tea,
        ocop_stars=4,
        first_published_at=published(3),
    )
    ProductImage.objects.create(product=product, image=photo)
    product.lots.add(lot)
    product.save()  # lots is a ParentalManyToManyField: saved with the product
    ProductFactory(
        name="Mật ong rừng", cooperative=honey, first_published_at=published(1)
    )
    return {"tea": tea, "honey": honey, "product": product, "lot": lot, "photo": photo}


# --- every block, with its preview value and with real values ---------------


@pytest.mark.parametrize("name", BLOCK_NAMES)
def test_every_block_renders_its_preview_value_on_an_empty_site(
    name, visitor_request, editor_request
):
    block = BodyBlock().child_blocks[name]

    for request in (visitor_request, editor_request):
        html = render(block, block.get_preview_value(), request)
        assert "Traceback" not in html


@pytest.mark.parametrize("name", BLOCK_NAMES)
def test_every_block_previews_something_with_the_sites_data(
    name, world, editor_request
):
    block = BodyBlock().child_blocks[name]

    html = render(block, block.get_preview_value(), editor_request).strip()

    assert html, f"{name} previews nothing"
    assert "block-note" not in html, f"{name} previews an editor note: {html}"


def test_object_blocks_preview_the_sites_first_cooperative_and_newest_lot(world):
    spotlight = CooperativeSpotlightBlock().get_preview_value()
    lot = LotHighlightBlock().get_preview_value()
    image = ImageBlock().get_preview_value()

    assert spotlight["cooperative"] == world["tea"]  # verified ones first
    assert lot["lot"] == world["lot"]
    assert image["image"] is not None


def test_empty_site_previews_tell_the_editor_what_to_choose(editor_request):
    for block in (CooperativeSpotlightBlock(), LotHighlightBlock(), ImageBlock()):
        html = render(block, block.get_preview_value(), editor_request)
        assert 'class="block-note"' in html


def test_admin_block_picker_previews_every_body_block_with_the_site_styles(
    client, world
):
    admin = UserFactory(username="quantri", is_staff=True, is_superuser=True)
    client.force_login(admin)
    stream_block = StandardPage._meta.get_field("body").stream_block

    for name, block in stream_block.child_blocks.items():
        assert block.is_previewable, name
        assert block.get_description(), name
        response = client.get(
            reverse("wagtailadmin_block_preview"), {"id": block.definition_prefix}
        )
        assert response.status_code == 200, name
        html = response.content.decode()
        assert "css/site.css" in html
        assert f"block-{name}" in html


def test_a_page_with_every_block_is_served_to_a_visitor_on_a_phone(client, home, world):
    tea, product, lot, photo = (
        world["tea"],
        world["product"],
        world["lot"],
        world["photo"],
    )
    url = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    Embed.objects.create(
        url=url,
        hash=get_embed_hash(url),
        type="video",
        html='<iframe title="Hái chè" src="https://www.youtube.com/embed/x"></iframe>',
        width=480,
        height=270,
    )
    page = standard_page(
        home,
        ("heading", {"text": "Chè xanh Thanh Chương", "level": "h2"}),
        ("paragraph", "<p>Chè hái <b>tay</b> mỗi sáng.</p>"),
        ("image", {"image": photo.pk, "caption": "Đồi chè"}),
        (
            "gallery",
            {
                "title": "Một ngày hái chè",
                "images": [
                    item({"image": photo.pk, "caption": "Sáng"}),
                    item({"image": photo.pk, "caption": "Chiều"}),
                ],
            },
        ),
        ("quote", {"text": "Chè ngon nhờ đất.", "attribution": "Chị Lan"}),
        ("video", {"video": url, "caption": "Hái chè"}),
        (
            "call_to_action",
            {
                "title": "Đặt chè mới",
                "text": "Giao tận nhà.",
                "button_label": "Mua chè",
                "page": None,
                "url": "/san-pham/?category=che",
            },
        ),
        (
            "faq",
            {
                "title": "Hỏi đáp",
                "items": [
                    item({"question": "Giao mấy ngày?", "answer": "<p>2 ngày</p>"})
                ],
            },
        ),
        (
            "key_figures",
            {"title": "", "figures": [item({"figure": "4.500 ha", "label": "chè"})]},
        ),
        ("product_grid", grid_raw(cooperative=tea.pk)),
        (
            "cooperative_spotlight",
            {"cooperative": tea.pk, "text": "", "product_count": 3},
        ),
        ("cooperative_map", {"title": "Hợp tác xã", "commune": None}),
        ("lot_highlight", {"lot": lot.pk, "text": "Lô đầu mùa."}),
    )

    response = client.get(page.url, HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 14)")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<h2 class="block-heading">Chè xanh Thanh Chương</h2>' in html
    assert "<b>tay</b>" in html
    assert html.count("<picture>") >= 3  # image, gallery, product card, spotlight
    assert 'alt="Đồi chè Thanh Chương buổi sớm"' in html  # the image's description
    assert 'loading="lazy"' in html
    assert "<details" in html and "<summary" in html and "Giao mấy ngày?" in html
    assert '<dl class="block-figures__list">' in html and "4.500 ha" in html
    assert '<iframe title="Hái chè"' in html
    assert 'href="/san-pham/?category=che"' in html
    assert product.name in card_names(html)
    assert "openstreetmap.org" in html
    assert "<svg" in html and lot.get_absolute_url() in html
    assert "block-note" not in html  # nothing for editors on a good page


# --- product grid: a live query on the catalogue's filters -------------------


def test_grid_by_parent_category_includes_its_subcategories():
    tea = CategoryFactory(name="Chè", slug="che")
    green = CategoryFactory(name="Chè xanh", slug="che-xanh", parent=tea)
    ProductFactory(name="Chè túi lọc", category=tea)
    ProductFactory(name="Chè búp", category=green)
    ProductFactory(name="Cam Vinh", category=CategoryFactory(slug="cam"))

    assert set(names(product_grid(grid(category=tea.pk)).products)) == {
        "Chè túi lọc",
        "Chè búp",
    }
    assert names(product_grid(grid(category=green.pk)).products) == ["Chè búp"]


def test_grid_by_cooperative_shows_only_its_products():
    tea = CooperativeFactory()
    ProductFactory(name="Chè búp", cooperative=tea)
    ProductFactory(name="Mật ong")

    assert names(product_grid(grid(cooperative=tea.pk)).products) == ["Chè búp"]


def test_grid_by_commune_shows_products_of_cooperatives_there():
    ProductFactory(name="Chè Con Cuông", cooperative__commune_code=CON_CUONG)
    ProductFactory(name="Nước mắm Cửa Lò", cooperative__commune_code=CUA_LO)

    assert names(product_grid(grid(commune=str(CUA_LO))).products) == [
        "Nước mắm Cửa Lò"
    ]
    # As the admin form stores a ChoiceBlock value, and as to_python may give it.
    assert names(product_grid(grid(commune=CON_CUONG)).products) == ["Chè Con Cuông"]


def test_grid_by_certification_shows_products_whose_certificate_is_in_force():
    today = timezone.localdate()
    certified = ProductFactory(name="Chè VietGAP")
    CertificationFactory(
        cooperative=certified.cooperative,
        kind=Certification.Kind.VIETGAP,
        issued_on=today - datetime.timedelta(days=30),
        expires_on=today + datetime.timedelta(days=300),
    ).products.add(certified)
    lapsed = ProductFactory(name="Chè hết hạn chứng nhận")
    CertificationFactory(
        cooperative=lapsed.cooperative,
        kind=Certification.Kind.VIETGAP,
        issued_on=today - datetime.timedelta(days=900),
        expires_on=today - datetime.timedelta(days=1),
    ).products.add(lapsed)
    ProductFactory(name="Chè thường")

    shown = product_grid(grid(certification="vietgap")).products

    assert names(shown) == ["Chè VietGAP"]


def test_grid_by_ocop_stars_shows_that_rating_and_above():
    for stars in (None, 3, 4, 5):
        ProductFactory(name=f"OCOP {stars}", ocop_stars=stars)

    shown = product_grid(grid(ocop_stars="4")).products

    assert set(names(shown)) == {"OCOP 4", "OCOP 5"}


def test_grid_in_season_shows_products_of_this_month_and_all_year_round():
    month = timezone.localdate().month
    other_month = month % 12 + 1
    ProductFactory(name="Cam đang mùa", season_months=month_bit(month))
    ProductFactory(name="Chè quanh năm", season_months=0)
    ProductFactory(name="Vải trái mùa", season_months=month_bit(other_month))

    in_season = set(names(product_grid(grid(in_season=True)).products))
    every_season = set(names(product_grid(grid(in_season=False)).products))

    assert in_season == {"Cam đang mùa", "Chè quanh năm"}
    assert "Vải trái mùa" in every_season


def test_grid_hides_out_of_stock_products_only_when_told():
    ProductFactory(name="Còn hàng", stock=5)
    ProductFactory(name="Hết hàng", stock=0)

    assert names(product_grid(grid(in_stock=True)).products) == ["Còn hàng"]
    assert set(names(product_grid(grid(in_stock=False)).products)) == {
        "Còn hàng",
        "Hết hàng",
    }


def test_grid_never_shows_unpublished_products():
    ProductFactory(name="Đang bán")
    ProductFactory(name="Bản nháp", live=False)

    shown = product_grid(grid(in_stock=False)).products

    assert names(shown) == ["Đang bán"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("newest", ["Bưởi", "Cam", "Ổi"]),
        ("price", ["Ổi", "Cam", "Bưởi"]),
        ("-price", ["Bưởi", "Cam", "Ổi"]),
        ("name", ["Bưởi", "Cam", "Ổi"]),
    ],
)
def test_grid_sorts_as_the_editor_chose(sort, expected):
    ProductFactory(name="Ổi", price=20000, first_published_at=published(30))
    ProductFactory(name="Cam", price=50000, first_published_at=published(20))
    ProductFactory(name="Bưởi", price=90000, first_published_at=published(10))

    assert names(product_grid(grid(sort=sort)).products) == expected


def test_grid_shows_at_most_count_products_newest_first():
    for n in range(6):
        ProductFactory(name=f"Sản phẩm {n}", first_published_at=published(10 - n))

    shown = product_grid(grid(count=4)).products

    assert names(shown) == ["Sản phẩm 5", "Sản phẩm 4", "Sản phẩm 3", "Sản phẩm 2"]


def test_grid_links_to_the_catalogue_with_the_same_filters_and_products(client):
    tea = CategoryFactory(name="Chè", slug="che")
    coop = CooperativeFactory(slug="htx-che")
    for n, price in enumerate([30000, 60000, 90000]):
        ProductFactory(
            name=f"Chè {n}", category=tea, cooperative=coop, price=price, ocop_stars=4
        )
    ProductFactory(name="Chè OCOP 3", category=tea, cooperative=coop, ocop_stars=3)
    ProductFactory(name="Cam", cooperative=coop, ocop_stars=5)
    value = grid(
        category=tea.pk,
        cooperative=coop.pk,
        commune=str(CON_CUONG),
        ocop_stars="4",
        in_season=True,
        sort="-price",
        count=2,
    )

    shown = product_grid(value)
    response = client.get(shown.catalogue_url)

    assert shown.catalogue_url == (
        "/san-pham/?category=che&cooperative=htx-che&commune=17254&ocop=4"
        "&in_season=on&in_stock=on&sort=price_desc"
    )
    assert response.status_code == 200
    in_catalogue = card_names(response.content.decode())
    assert in_catalogue == ["Chè 2", "Chè 1", "Chè 0"]
    assert names(shown.products) == in_catalogue[:2]


def test_hand_picked_products_keep_the_editors_order_and_skip_unpublished(
    visitor_request,
):
    first = ProductFactory(name="Mật ong")
    second = ProductFactory(name="Cam Vinh")
    draft = ProductFactory(name="Bản nháp", live=False)
    sold_out = ProductFactory(name="Hết hàng", stock=0)
    third = ProductFactory(name="Chè búp")
    picked = [third.pk, draft.pk, first.pk, sold_out.pk, second.pk]

    in_stock_only = product_grid(grid(products=picked, in_stock=True))
    with_sold_out = product_grid(grid(products=picked, in_stock=False))
    html = render(
        ProductGridBlock(), grid(products=picked, in_stock=True), visitor_request
    )

    assert names(in_stock_only.products) == ["Chè búp", "Mật ong", "Cam Vinh"]
    assert names(with_sold_out.products) == [
        "Chè búp",
        "Mật ong",
        "Hết hàng",
        "Cam Vinh",
    ]
    assert in_stock_only.catalogue_url == ""  # no "see all" for a hand-picked list
    assert card_names(html) == ["Chè búp", "Mật ong", "Cam Vinh"]
    assert "block-note" not in html


def test_hand_picked_products_ignore_the_filters():
    chosen = ProductFactory(name="Mật ong", ocop_stars=None)
    ProductFactory(name="Chè OCOP", ocop_stars=5)

    shown = product_grid(grid(products=[chosen.pk], ocop_stars="5"))

    assert names(shown.products) == ["Mật ong"]


def test_editors_are_told_how_many_picked_products_are_hidden(
    visitor_request, editor_request
):
    kept = ProductFactory(name="Mật ong")
    gone = ProductFactory(name="Sản phẩm bị xóa")
    draft = ProductFactory(name="Bản nháp", live=False)
    value_raw = grid_raw(products=[kept.pk, gone.pk, draft.pk])
    gone.delete()
    value = ProductGridBlock().to_python(value_raw)

    for_visitor = render(ProductGridBlock(), value, visitor_request)
    for_editor = render(ProductGridBlock(), value, editor_request)

    assert card_names(for_visitor) == card_names(for_editor) == ["Mật ong"]
    assert "block-note" not in for_visitor
    assert "2 sản phẩm đã chọn không hiện" in for_editor


def test_picked_products_that_are_all_gone_leave_an_empty_grid_not_the_catalogue():
    ProductFactory(name="Chè búp")
    draft = ProductFactory(name="Bản nháp", live=False)

    shown = product_grid(grid(products=[draft.pk]))

    assert shown.products == []


def test_grid_whose_category_was_deleted_shows_nothing_rather_than_everything(
    home, visitor_request, editor_request
):
    ProductFactory(name="Chè búp")
    category = CategoryFactory(name="Cam", slug="cam")
    page = standard_page(home, ("product_grid", grid_raw(category=category.pk)))
    category.delete()
    page = StandardPage.objects.get(pk=page.pk)

    for_visitor = render_body(page, visitor_request)
    for_editor = render_body(page, editor_request)

    assert card_names(for_visitor) == [] and card_names(for_editor) == []
    assert "Đặc sản đang mùa" not in for_visitor
    assert "block-note" not in for_visitor
    assert "đã bị xóa" in for_editor


def test_grid_whose_cooperative_was_deleted_shows_nothing(home, visitor_request):
    ProductFactory(name="Chè búp")
    cooperative = CooperativeFactory()
    page = standard_page(home, ("product_grid", grid_raw(cooperative=cooperative.pk)))
    cooperative.delete()
    page = StandardPage.objects.get(pk=page.pk)

    assert card_names(render_body(page, visitor_request)) == []


def test_grid_filter_the_catalogue_refuses_shows_nothing_and_tells_editors(
    editor_request,
):
    ProductFactory(name="Chè búp")  # a cooperative in Nghệ An only

    value = grid(commune="99999999")
    shown = product_grid(value)
    html = render(ProductGridBlock(), value, editor_request)

    assert shown.products == [] and not shown.valid
    assert "Xã/phường" in html and card_names(html) == []


def test_empty_live_grid_says_so_and_links_to_the_catalogue(visitor_request):
    html = render(ProductGridBlock(), grid(ocop_stars="5"), visitor_request)

    assert "Hiện chưa có sản phẩm phù hợp." in html
    assert 'href="/san-pham/?ocop=5&amp;in_stock=on"' in html


def _grids_page(home, grid_count, slug):
    return standard_page(
        home,
        *[("product_grid", grid_raw(count=4, sort="price")) for _ in range(grid_count)],
        slug=slug,
    )


def _queries_to_render(page, request):
    with CaptureQueriesContext(connection) as queries:
        html = render_body(page, request)
    return len(queries), html


def test_product_grid_queries_stay_fixed_per_block_whatever_the_products(
    home, visitor_request, django_assert_max_num_queries
):
    image = make_image(title="Cam")
    category = CategoryFactory(name="Cam", slug="cam")
    for n in range(8):
        product = ProductFactory(name=f"Cam {n}", category=category)
        ProductImage.objects.create(product=product, image=image)
    one = _grids_page(home, 1, "mot-luoi")
    five = _grids_page(home, 5, "nam-luoi")
    render_body(five, visitor_request)  # renditions are made once, on first view

    one_grid, _html = _queries_to_render(
        StandardPage.objects.get(pk=one.pk), visitor_request
    )
    five_pages = StandardPage.objects.get(pk=five.pk)
    per_grid = 6  # filter validation, products, images, renditions

    with django_assert_max_num_queries(one_grid + 4 * per_grid):
        html = render_body(five_pages, visitor_request)

    assert one_grid <= per_grid + 2
    assert len(card_names(html)) == 5 * 4
    # More products per grid cost nothing more.
    for n in range(8, 16):
        product = ProductFactory(name=f"Cam {n}", category=category)
        ProductImage.objects.create(product=product, image=image)
    bigger = standard_page(
        home, ("product_grid", grid_raw(count=16, sort="price")), slug="luoi-lon"
    )
    render_body(bigger, visitor_request)
    bigger = StandardPage.objects.get(pk=bigger.pk)
    with django_assert_max_num_queries(one_grid):
        html = render_body(bigger, visitor_request)
    assert len(card_names(html)) == 16


# --- cooperative spotlight ----------------------------------------------------


def test_spotlight_shows_the_cooperative_its_photo_story_and_top_products(
    world, visitor_request
):
    tea = world["tea"]
    ProductFactory(
        name="Chè mới không OCOP", cooperative=tea, first_published_at=published(0)
    )
    ProductFactory(name="Chè OCOP 5", cooperative=tea, ocop_stars=5)
    ProductFactory(name="Chè hết hàng", cooperative=tea, ocop_stars=5, stock=0)
    ProductFactory(name="Chè nháp", cooperative=tea, ocop_stars=5, live=False)
    block = CooperativeSpotlightBlock()
    value = block.to_python({"cooperative": tea.pk, "text": "", "product_count": 3})

    html = render(block, value, visitor_request)

    assert "HTX Chè Thanh Chương" in html
    assert tea.get_absolute_url() in html
    assert 'alt="Đồi chè Thanh Chương buổi sớm"' in html  # the first photo
    assert "fill-112x112" in html  # the logo
    assert "badge--verified" in html
    # The first 40 words of the story, without its HTML.
    assert "từ0 từ1" in html and "từ39…" in html and "từ40" not in html
    assert "<b>" not in html
    assert card_names(html) == ["Chè OCOP 5", "Chè búp khô", "Chè mới không OCOP"]
    assert "/san-pham/?cooperative=htx-che-thanh-chuong" in html


def test_spotlight_text_replaces_the_story_excerpt(world, visitor_request):
    block = CooperativeSpotlightBlock()
    value = block.to_python(
        {
            "cooperative": world["tea"].pk,
            "text": "Chè sạch từ 1990.",
            "product_count": 0,
        }
    )

    html = render(block, value, visitor_request)

    assert "Chè sạch từ 1990." in html and "từ0" not in html
    assert card_names(html) == []


def test_spotlight_of_a_deleted_cooperative_renders_nothing_for_visitors(
    visitor_request, editor_request
):
    cooperative = CooperativeFactory()
    block = CooperativeSpotlightBlock()
    raw = {"cooperative": cooperative.pk, "text": "", "product_count": 3}
    cooperative.delete()
    value = block.to_python(raw)

    assert render(block, value, visitor_request).strip() == ""
    assert "đã bị xóa" in render(block, value, editor_request)


# --- cooperative map -----------------------------------------------------------


def test_map_lists_cooperatives_by_commune_verified_first_with_map_links(
    visitor_request,
):
    CooperativeFactory(
        name="B chưa xác minh", commune_code=CON_CUONG, is_verified=False
    )
    CooperativeFactory(
        name="Z đã xác minh",
        commune_code=CON_CUONG,
        latitude="19.05",
        longitude="104.6",
    )
    CooperativeFactory(name="A Cửa Lò", commune_code=CUA_LO, is_verified=False)
    block = CooperativeMapBlock()

    html = render(
        block, block.to_python({"title": "", "commune": None}), visitor_request
    )

    cua_lo, con_cuong = places.commune_name(CUA_LO), places.commune_name(CON_CUONG)
    assert (cua_lo, con_cuong) == ("Phường Cửa Lò", "Xã Con Cuông")
    # Communes A–Z by their full names, as the cooperative directory lists them;
    # verified cooperatives first within a commune.
    assert html.index(cua_lo) < html.index(con_cuong)
    assert html.index("Z đã xác minh") < html.index("B chưa xác minh")
    assert html.count("openstreetmap.org") == 1
    assert "mlat=19.05&amp;mlon=104.6" in html


def test_map_for_one_commune_lists_only_its_cooperatives(visitor_request):
    CooperativeFactory(name="HTX Con Cuông", commune_code=CON_CUONG)
    CooperativeFactory(name="HTX Cửa Lò", commune_code=CUA_LO)
    block = CooperativeMapBlock()

    html = render(
        block, block.to_python({"title": "", "commune": str(CUA_LO)}), visitor_request
    )

    assert "HTX Cửa Lò" in html and "HTX Con Cuông" not in html


# --- lot highlight ---------------------------------------------------------------


def test_lot_highlight_shows_the_lot_its_qr_code_and_links(world, visitor_request):
    lot = world["lot"]
    block = LotHighlightBlock()

    html = render(block, block.to_python({"lot": lot.pk, "text": ""}), visitor_request)

    assert "Chè búp khô" in html and "CHE-2026-01" in html
    assert "20/11/2026" in html  # harvest date, as Vietnamese readers write it
    assert "HTX Chè Thanh Chương" in html
    assert f'href="{lot.get_absolute_url()}"' in html
    assert f'href="{world["product"].get_absolute_url()}"' in html
    # The very QR code printed on the lot's labels (producers.qr).
    printed = qr_svg_bytes(lot, scale=5).decode()
    path = re.search(r' d="([^"]+)"', printed).group(1)
    assert path in html
    assert 'role="img" aria-label="Mã QR của lô CHE-2026-01"' in html


def test_recalled_lot_shows_the_recall_and_no_qr_code_or_buy_link(
    world, visitor_request
):
    lot = world["lot"]
    Lot.objects.filter(pk=lot.pk).update(
        status=Lot.Status.RECALLED, recall_reason="Dư lượng vượt ngưỡng"
    )
    block = LotHighlightBlock()

    html = render(block, block.to_python({"lot": lot.pk, "text": ""}), visitor_request)

    assert "đã bị thu hồi" in html
    assert "<svg" not in html
    assert world["product"].get_absolute_url() not in html
    assert lot.get_absolute_url() in html


def test_lot_highlight_of_a_deleted_lot_renders_nothing_for_visitors(
    visitor_request, editor_request
):
    lot = LotFactory()
    block = LotHighlightBlock()
    raw = {"lot": lot.pk, "text": ""}
    lot.delete()
    value = block.to_python(raw)

    assert render(block, value, visitor_request).strip() == ""
    assert "đã bị xóa" in render(block, value, editor_request)


# --- media and call to action -------------------------------------------------


def test_image_takes_its_alt_text_from_the_description_then_the_title(
    visitor_request,
):
    described = described_image("IMG_2041", "Cam Vinh chín trên cây")
    titled = make_image(title="Vườn cam Quỳ Hợp")
    block = ImageBlock()

    first = render(block, block.to_python({"image": described.pk}), visitor_request)
    second = render(block, block.to_python({"image": titled.pk}), visitor_request)

    assert 'alt="Cam Vinh chín trên cây"' in first
    assert 'alt="Vườn cam Quỳ Hợp"' in second
    assert "image/avif" in first and "image/webp" in first and 'loading="lazy"' in first


def test_image_that_was_deleted_renders_nothing(visitor_request, editor_request):
    image = make_image()
    block = ImageBlock()
    raw = {"image": image.pk, "caption": "Cam"}
    image.delete()
    value = block.to_python(raw)

    assert render(block, value, visitor_request).strip() == ""
    assert "đã bị xóa" in render(block, value, editor_request)


def test_gallery_skips_deleted_images_and_links_each_to_a_large_version(
    visitor_request,
):
    kept, gone = make_image(title="Hái chè"), make_image(title="Sao chè")
    block = GalleryBlock()
    raw = {
        "title": "Một ngày",
        "images": [item({"image": kept.pk, "caption": ""}), item({"image": gone.pk})],
    }
    gone.delete()

    html = render(block, block.to_python(raw), visitor_request)

    assert 'alt="Hái chè"' in html and "Sao chè" not in html
    assert "max-1600x1600" in html


def test_video_without_a_reachable_provider_links_to_the_video(visitor_request):
    block = VideoBlock()
    url = "https://video.example.vn/hai-che"

    html = render(
        block, block.to_python({"video": url, "caption": ""}), visitor_request
    )

    assert f'href="{url}"' in html


def test_call_to_action_falls_back_to_its_address_when_the_page_is_unpublished(
    home, visitor_request, editor_request
):
    draft = StandardPage(title="Đặt cam", slug="dat-cam", live=False)
    home.add_child(instance=draft)
    block = CallToActionBlock()
    raw = {
        "title": "Cam Vinh đã vào mùa",
        "text": "",
        "button_label": "Xem cam",
        "page": draft.pk,
        "url": "/san-pham/?q=cam",
    }

    for_visitor = render(block, block.to_python(raw), visitor_request)
    without_address = render(
        block, block.to_python({**raw, "url": ""}), visitor_request
    )

    assert 'href="/san-pham/?q=cam"' in for_visitor
    assert "/dat-cam/" not in for_visitor
    assert "Xem cam" not in without_address  # no button that goes nowhere
    assert "chưa xuất bản" in render(block, block.to_python(raw), editor_request)


def test_call_to_action_links_to_its_published_page(home, visitor_request):
    target = StandardPage(title="Cách mua hàng", slug="cach-mua-hang")
    home.add_child(instance=target)
    block = CallToActionBlock()
    raw = {"title": "Mua", "button_label": "Xem", "page": target.pk, "url": ""}

    html = render(block, block.to_python(raw), visitor_request)

    assert 'href="/cach-mua-hang/"' in html


def test_blocks_on_the_english_tree_link_to_english_pages(world, visitor_request):
    with translation.override("en"):
        shown = product_grid(grid(cooperative=world["tea"].pk))
        html = render(
            LotHighlightBlock(),
            LotHighlightBlock().to_python({"lot": world["lot"].pk, "text": ""}),
            visitor_request,
        )

    assert shown.catalogue_url.startswith("/en/")
    assert 'href="/en/l/' in html
