import datetime
import json
import re

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from market.fields import months_to_mask
from market.models import Product, ProductImage
from producers.models import Certification
from tests.market.factories import CategoryFactory, ProductFactory
from tests.producers.factories import (
    CertificationFactory,
    CooperativeFactory,
    LotFactory,
    make_image,
)

pytestmark = pytest.mark.django_db


JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def meta(body: str, key: str) -> str:
    match = re.search(
        rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)"', body
    )
    assert match, f"no {key} meta tag"
    return match.group(1)


def json_ld(body: str) -> dict:
    scripts = JSON_LD.findall(body)
    assert len(scripts) == 1
    return json.loads(scripts[0])


@pytest.fixture
def cooperative():
    return CooperativeFactory(
        name="HTX Chè Hạnh Lâm",
        slug="htx-che-hanh-lam",
        commune_code=17722,  # Xã Hạnh Lâm, Nghệ An
        is_verified=True,
        logo=make_image(title="Logo", size=(120, 120)),
    )


@pytest.fixture
def product(cooperative):
    tea = CategoryFactory(name="Chè", slug="che")
    product = ProductFactory(
        name="Chè xanh Thanh Chương",
        slug="che-xanh-thanh-chuong",
        summary="Búp chè hái tay, sao thủ công.",
        description="<p>Trồng trên đồi <b>Hạnh Lâm</b>.</p>",
        cooperative=cooperative,
        category=tea,
        price=150000,
        unit="kg",
        stock=40,
        min_order_quantity=2,
        ocop_stars=4,
        gtin="8931234567890",
        season_months=months_to_mask([3, 4, 12]),
        first_published_at=timezone.now(),
    )
    first = make_image(title="Đồi chè", size=(200, 150))
    first.description = "Đồi chè Hạnh Lâm buổi sáng"
    first.save()
    ProductImage.objects.create(product=product, image=first, sort_order=0)
    ProductImage.objects.create(
        product=product,
        image=make_image(title="Gói chè", size=(200, 150)),
        sort_order=1,
    )
    return product


def test_product_page_shows_price_per_unit_stock_and_minimum_order(client, product):
    response = client.get("/san-pham/che-xanh-thanh-chuong/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1>Chè xanh Thanh Chương</h1>" in body
    assert "150.000 ₫ / kg" in body
    assert "Còn hàng" in body
    assert "<dt>Đặt tối thiểu</dt><dd>2 kg</dd>" in body
    assert "OCOP 4 ★" in body
    assert "Trồng trên đồi <b>Hạnh Lâm</b>." in body
    assert "8931234567890" in body


@pytest.mark.parametrize(
    ("stock", "expected"),
    [(0, "Hết hàng"), (5, "Sắp hết hàng: còn 5 kg"), (11, "Còn hàng")],
)
def test_stock_status(client, product, stock, expected):
    Product.objects.filter(pk=product.pk).update(stock=stock)
    body = client.get(product.get_absolute_url()).content.decode()
    assert expected in body


def test_season_lists_month_names_in_the_page_language(client, product):
    body = client.get(product.get_absolute_url()).content.decode()
    assert "Tháng 3, Tháng 4, Tháng 12" in body
    body = client.get("/en" + product.get_absolute_url()).content.decode()
    assert "March, April, December" in body


def test_product_without_season_is_available_all_year(client, product):
    product.season_months = 0
    product.save()
    assert "Quanh năm" in client.get(product.get_absolute_url()).content.decode()


def test_cooperative_card_links_to_its_profile(client, product):
    body = client.get(product.get_absolute_url()).content.decode()
    assert '<a href="/hop-tac-xa/htx-che-hanh-lam/">HTX Chè Hạnh Lâm</a>' in body
    assert "Xã Hạnh Lâm, Nghệ An" in body
    assert "Đã xác minh" in body
    assert "fill-56x56" in body  # the logo


def test_unverified_cooperative_has_no_verified_badge(client, product, cooperative):
    cooperative.is_verified = False
    cooperative.save()
    assert "Đã xác minh" not in client.get(product.get_absolute_url()).content.decode()


def test_certifications_show_whether_they_are_in_force(client, product, cooperative):
    today = timezone.localdate()
    valid = CertificationFactory(
        cooperative=cooperative,
        kind=Certification.Kind.VIETGAP,
        number="VG-1",
        expires_on=today + datetime.timedelta(days=100),
    )
    expired = CertificationFactory(
        cooperative=cooperative,
        kind=Certification.Kind.ORGANIC,
        number="HC-2",
        issued_on=today - datetime.timedelta(days=900),
        expires_on=today - datetime.timedelta(days=1),
    )
    CertificationFactory(cooperative=cooperative, number="NOT-SHOWN")
    product.certifications.set([valid, expired])
    product.save()
    response = client.get(product.get_absolute_url())
    body = response.content.decode()
    shown = {
        s.certification.number: s.valid for s in response.context["certifications"]
    }
    assert shown == {"VG-1": True, "HC-2": False}
    assert "còn hiệu lực đến" in body
    expired_item = re.search(r'<li class="cert cert--expired">(.*?)</li>', body, re.S)
    assert expired_item
    assert "badge--expired" in expired_item.group(1)
    assert "đã hết hạn ngày" in expired_item.group(1)
    assert "HC-2" in expired_item.group(1)
    assert "NOT-SHOWN" not in body


def test_gallery_uses_responsive_modern_formats_main_image_eager(client, product):
    body = client.get(product.get_absolute_url()).content.decode()
    slides = re.findall(
        r'<li class="gallery__main" id="photo-\d">(.*?)</li>', body, re.S
    )
    assert len(slides) == 2
    main, second = slides
    assert 'type="image/avif"' in main and 'type="image/webp"' in main
    assert 'loading="lazy"' not in main
    assert 'fetchpriority="high"' in main
    assert 'alt="Đồi chè Hạnh Lâm buổi sáng"' in main  # the image's description
    assert 'loading="lazy"' in second
    assert 'alt="Chè xanh Thanh Chương"' in second  # no description: the name
    thumbs = re.search(r'<ul class="gallery__thumbs".*?</ul>', body, re.S).group(0)
    assert thumbs.count('loading="lazy"') == 2
    assert 'href="#photo-2"' in thumbs


def test_product_without_images_still_renders(client, cooperative):
    product = ProductFactory(cooperative=cooperative, slug="khong-anh")
    response = client.get(product.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert 'property="og:image"' not in body
    assert "image" not in json_ld(body)


def test_json_ld_describes_the_product_and_its_offer(client, product):
    body = client.get(product.get_absolute_url()).content.decode()
    data = json_ld(body)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Product"
    assert data["name"] == "Chè xanh Thanh Chương"
    assert data["description"] == "Búp chè hái tay, sao thủ công."
    assert data["sku"] == "che-xanh-thanh-chuong"
    assert data["gtin14"] == "08931234567890"
    assert data["brand"] == {"@type": "Brand", "name": "HTX Chè Hạnh Lâm"}
    assert data["image"][0].startswith("http://testserver/media/")
    offer = data["offers"]
    assert offer["@type"] == "Offer"
    assert offer["price"] == 150000
    assert offer["priceCurrency"] == "VND"
    assert offer["availability"] == "https://schema.org/InStock"
    assert offer["url"] == "http://testserver/san-pham/che-xanh-thanh-chuong/"


def test_json_ld_says_out_of_stock(client, product):
    Product.objects.filter(pk=product.pk).update(stock=0)
    data = json_ld(client.get(product.get_absolute_url()).content.decode())
    assert data["offers"]["availability"] == "https://schema.org/OutOfStock"


def test_json_ld_cannot_be_broken_out_of_by_a_product_name(client, cooperative):
    name = '</script><script>alert("x")</script> & <!--'
    product = ProductFactory(cooperative=cooperative, name=name, slug="ten-doc")
    body = client.get(product.get_absolute_url()).content.decode()
    assert '<script>alert("x")' not in body
    assert json_ld(body)["name"] == name


def test_open_graph_and_twitter_tags(client, product):
    body = client.get(product.get_absolute_url()).content.decode()
    assert meta(body, "og:type") == "product"
    assert meta(body, "og:title") == "Chè xanh Thanh Chương"
    assert meta(body, "og:description") == "Búp chè hái tay, sao thủ công."
    assert meta(body, "og:url") == "http://testserver/san-pham/che-xanh-thanh-chuong/"
    image = meta(body, "og:image")
    assert image.startswith("http://testserver/media/images/")
    assert "fill-1200x630" in image
    assert meta(body, "product:price:amount") == "150000"
    assert meta(body, "product:price:currency") == "VND"
    assert meta(body, "twitter:card") == "summary_large_image"
    assert (
        '<link rel="canonical" href="http://testserver/san-pham/che-xanh-thanh-chuong/">'
        in body
    )


def test_description_falls_back_to_the_rich_text_then_the_cooperative(
    client, cooperative
):
    from_text = ProductFactory(
        cooperative=cooperative, slug="a", description="<p>Gạo <i>thơm</i> dẻo.</p>"
    )
    body = client.get(from_text.get_absolute_url()).content.decode()
    assert meta(body, "og:description") == "Gạo thơm dẻo."
    bare = ProductFactory(cooperative=cooperative, slug="b", name="Gạo tám")
    body = client.get(bare.get_absolute_url()).content.decode()
    assert meta(body, "og:description") == "Gạo tám của HTX Chè Hạnh Lâm."


def test_related_products_are_other_published_products_of_the_category(client, product):
    for i in range(6):
        ProductFactory(name=f"Chè khác {i}", category=product.category)
    ProductFactory(name="Chè nháp", category=product.category, live=False)
    ProductFactory(name="Cam Vinh")
    response = client.get(product.get_absolute_url())
    related = [p.name for p in response.context["related_products"]]
    assert len(related) == 4
    assert all(name.startswith("Chè khác") for name in related)
    body = response.content.decode()
    assert "Sản phẩm cùng loại" in body
    assert "Chè nháp" not in body


@pytest.mark.parametrize("url", ["/san-pham/khong-co/", "/san-pham/%00/"])
def test_unknown_product_is_404(client, url):
    assert client.get(url).status_code == 404


def test_unpublished_product_is_404_for_the_public(client, product):
    product.live = False
    product.save()
    assert client.get(product.get_absolute_url()).status_code == 404
    assert client.get("/en" + product.get_absolute_url()).status_code == 404


def test_preview_renders_a_draft_with_the_same_context(product, rf: RequestFactory):
    product.live = False
    product.name = "Chè xanh (bản nháp)"
    request = rf.get("/admin/")
    context = product.get_preview_context(request, "")
    assert context["product"] is product
    assert context["json_ld"]["name"] == "Chè xanh (bản nháp)"
    response = product.serve_preview(request, "").render()
    assert response.status_code == 200
    assert "Chè xanh (bản nháp)" in response.content.decode()


def test_preview_of_a_product_without_a_slug_yet(cooperative, rf: RequestFactory):
    product = ProductFactory.build(
        cooperative=cooperative, category=CategoryFactory(), slug="", live=False
    )
    response = product.serve_preview(rf.get("/admin/"), "").render()
    assert response.status_code == 200
    assert "Chưa có ảnh" in response.content.decode()


def test_english_product_page(client, product):
    response = client.get("/en/san-pham/che-xanh-thanh-chuong/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "₫150,000 / kg" in body
    assert meta(body, "og:locale") == "en_US"


def _queries(client, url) -> int:
    client.get(url)  # the first visit makes the image renditions
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_product_page_query_count_does_not_grow_with_images_or_certificates(
    client, product, cooperative, django_assert_max_num_queries
):
    url = product.get_absolute_url()
    related = ProductFactory(name="Chè khác", category=product.category)
    ProductImage.objects.create(
        product=related, image=make_image(size=(80, 60)), sort_order=0
    )
    product.certifications.set([CertificationFactory(cooperative=cooperative)])
    product.save()
    before = _queries(client, url)

    for sort_order in range(2, 6):
        ProductImage.objects.create(
            product=product, image=make_image(size=(200, 150)), sort_order=sort_order
        )
    certificates = [CertificationFactory(cooperative=cooperative) for _ in range(4)]
    product.certifications.set(certificates)
    product.save()
    for i in range(2, 6):
        related = ProductFactory(name=f"Chè khác {i}", category=product.category)
        ProductImage.objects.create(
            product=related, image=make_image(size=(80, 60)), sort_order=0
        )
    after = _queries(client, url)

    assert after == before
    with django_assert_max_num_queries(10):
        client.get(url)


def test_missing_image_file_does_not_break_the_product_page(client, cooperative):
    image = make_image(size=(80, 60))
    product = ProductFactory(cooperative=cooperative, slug="anh-mat")
    ProductImage.objects.create(product=product, image=image, sort_order=0)
    image.file.storage.delete(image.file.name)
    response = client.get(product.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert 'property="og:image"' not in body
    assert "image" not in json_ld(body)
    listing = client.get("/san-pham/")
    assert listing.status_code == 200


def test_the_product_page_links_to_the_trace_pages_of_its_lots(client, product):
    old = LotFactory(
        cooperative=product.cooperative,
        code="CHE-2026-09",
        harvest_date=datetime.date(2026, 9, 2),
    )
    recalled = LotFactory(
        cooperative=product.cooperative,
        code="CHE-2026-10",
        harvest_date=datetime.date(2026, 10, 5),
        status="recalled",
        recall_reason="Dư lượng vượt ngưỡng",
    )
    product.lots.add(old, recalled)
    product.save()
    html = client.get(product.get_absolute_url()).content.decode()
    assert html.index(recalled.get_absolute_url()) < html.index(old.get_absolute_url())
    assert "đã thu hồi" in html
