import datetime

import pytest
from django.urls import reverse

from producers.models import CooperativePhoto
from tests.market.factories import ProductFactory
from tests.producers.factories import (
    CertificationFactory,
    CooperativeFactory,
    GrowingAreaFactory,
    make_image,
)

pytestmark = pytest.mark.django_db

LIST_URL = reverse("producers:cooperative_list")


def today():
    return datetime.date.today()


def add_photos(cooperative, count):
    for n in range(count):
        CooperativePhoto.objects.create(
            cooperative=cooperative,
            image=make_image(cooperative.collection, title=f"Đồi chè {n}"),
            caption=f"Đồi chè lúc bình minh {n}",
            sort_order=n,
        )


@pytest.fixture
def cooperative():
    coop = CooperativeFactory(
        name="HTX Chè Thanh Chương",
        slug="htx-che-thanh-chuong",
        story=(
            "<p>Chúng tôi trồng <b>chè xanh</b> trên đồi Thanh Chương từ năm 1998.</p>"
        ),
        commune_code=17722,  # Xã Hạnh Lâm
        phone="0912 345 678",
        email="lienhe@chethanhchuong.vn",
        founded_year=2009,
        member_count=86,
        latitude="18.783400",
        longitude="105.301200",
        logo=None,
    )
    GrowingAreaFactory(
        cooperative=coop,
        name="Đồi chè Hạnh Lâm",
        area_code="VT-40-1234",
        hectares="24.50",
        crops="chè xanh trung du",
    )
    CertificationFactory(
        cooperative=coop,
        kind="vietgap",
        number="VG-2024-0815",
        issued_on=today() - datetime.timedelta(days=300),
        expires_on=today() + datetime.timedelta(days=400),
    )
    CertificationFactory(
        cooperative=coop,
        kind="organic",
        number="HC-2019-0042",
        issued_on=today() - datetime.timedelta(days=2000),
        expires_on=today() - datetime.timedelta(days=30),
    )
    return coop


def certification_item(html, number):
    """The <li> of the certification list that mentions `number`."""
    start = html.rindex("<li", 0, html.index(number))
    return html[start : html.index("</li>", start)]


def test_profile_shows_story_contact_areas_and_certifications(client, cooperative):
    response = client.get(cooperative.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert "<b>chè xanh</b> trên đồi Thanh Chương" in html
    assert "Xóm 3, Xã Hạnh Lâm, Nghệ An" in html
    assert 'href="tel:+84912345678"' in html
    assert 'href="mailto:lienhe@chethanhchuong.vn"' in html
    assert "2009" in html and ">86<" in html
    assert "Đồi chè Hạnh Lâm" in html and "VT-40-1234" in html
    assert "24,5" in html and "chè xanh trung du" in html
    assert "VG-2024-0815" in html and "HC-2019-0042" in html


def test_profile_marks_the_expired_certification_and_only_that_one(client, cooperative):
    html = client.get(cooperative.get_absolute_url()).content.decode()

    expired = certification_item(html, "HC-2019-0042")
    valid = certification_item(html, "VG-2024-0815")
    assert "badge--expired" in expired and "Đã hết hạn" in expired
    assert "badge--expired" not in valid and "Đã hết hạn" not in valid
    assert "Còn hiệu lực" in valid


def test_certification_that_is_not_yet_in_force_is_not_shown_as_valid(
    client, cooperative
):
    CertificationFactory(
        cooperative=cooperative,
        number="VG-NEXT-YEAR",
        issued_on=today() + datetime.timedelta(days=10),
        expires_on=None,
    )
    html = client.get(cooperative.get_absolute_url()).content.decode()

    item = certification_item(html, "VG-NEXT-YEAR")
    assert "Chưa có hiệu lực" in item and "Còn hiệu lực" not in item


def test_profile_links_to_openstreetmap_without_loading_map_scripts(
    client, cooperative
):
    html = client.get(cooperative.get_absolute_url()).content.decode()

    assert (
        "https://www.openstreetmap.org/?mlat=18.7834&amp;mlon=105.3012#map=14/18.7834/105.3012"
        in html
    )
    assert "<script src" not in html


def test_profile_lists_its_own_products_but_not_other_cooperatives(client, cooperative):
    ProductFactory(cooperative=cooperative, name="Chè búp khô Hạnh Lâm")
    ProductFactory(cooperative=CooperativeFactory(), name="Mật ong hoa rừng")
    ProductFactory(cooperative=cooperative, name="Chè nháp chưa đăng", live=False)

    html = client.get(cooperative.get_absolute_url()).content.decode()

    assert "Chè búp khô Hạnh Lâm" in html
    assert "Mật ong hoa rừng" not in html
    assert "Chè nháp chưa đăng" not in html


def test_profile_has_open_graph_and_organization_json_ld(client, cooperative):
    cooperative.logo = make_image(cooperative.collection, title="Logo HTX")
    cooperative.save()

    html = client.get(cooperative.get_absolute_url()).content.decode()

    assert '<meta property="og:title" content="HTX Chè Thanh Chương">' in html
    assert (
        '<meta property="og:url" content="http://testserver/hop-tac-xa/htx-che-thanh-chuong/">'
        in html
    )
    assert '<meta property="og:image" content="http://testserver/media/' in html
    assert '<script type="application/ld+json">' in html
    assert '"@type": "Organization"' in html
    assert '"telephone": "0912 345 678"' in html


def test_profile_photos_are_responsive_lazy_pictures_with_alt_text(client, cooperative):
    add_photos(cooperative, 2)

    html = client.get(cooperative.get_absolute_url()).content.decode()

    assert html.count("<picture>") >= 2
    assert 'type="image/avif"' in html and 'type="image/webp"' in html
    assert 'loading="lazy"' in html
    assert 'alt="Đồi chè lúc bình minh 0"' in html


def test_unknown_cooperative_slug_is_a_404(client):
    response = client.get(
        reverse("producers:cooperative_detail", kwargs={"slug": "khong-co"})
    )
    assert response.status_code == 404


def test_profile_query_count_does_not_grow_with_photos_areas_or_certifications(
    client, cooperative, django_assert_max_num_queries
):
    ProductFactory(cooperative=cooperative)
    add_photos(cooperative, 1)
    url = cooperative.get_absolute_url()
    client.get(url)  # first view generates the image renditions
    with django_assert_max_num_queries(12) as small:
        client.get(url)

    add_photos(cooperative, 4)
    for n in range(4):
        GrowingAreaFactory(cooperative=cooperative)
        CertificationFactory(cooperative=cooperative, number=f"VG-EXTRA-{n}")
    client.get(url)
    with django_assert_max_num_queries(12) as large:
        client.get(url)

    assert len(large.captured_queries) == len(small.captured_queries)


def test_list_shows_cards_with_commune_verified_badge_and_excerpt(client, cooperative):
    CooperativeFactory(name="HTX Mật ong Con Cuông", is_verified=False)

    response = client.get(LIST_URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert "HTX Chè Thanh Chương" in html and "HTX Mật ong Con Cuông" in html
    assert "Xã Hạnh Lâm" in html
    assert html.count("badge--verified") == 1
    assert "Chúng tôi trồng chè xanh trên đồi Thanh Chương" in html
    assert cooperative.get_absolute_url() in html


def test_list_filters_by_commune(client, cooperative):
    CooperativeFactory(name="HTX Mật ong Con Cuông", commune_code=17254)

    html = client.get(LIST_URL, {"commune": 17722}).content.decode()

    assert "HTX Chè Thanh Chương" in html
    assert "HTX Mật ong Con Cuông" not in html


@pytest.mark.parametrize("bad", ["abc", "99999999", "17035", "-1", "1e3"])
def test_list_with_a_bad_commune_shows_a_message_and_every_cooperative(
    client, cooperative, bad
):
    # 17035 (Xã Quỳ Hợp) exists but no cooperative is there, so it is not offered.
    CooperativeFactory(name="HTX Mật ong Con Cuông", commune_code=17254)

    response = client.get(LIST_URL, {"commune": bad})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Không tìm thấy xã/phường đã chọn" in html
    assert "HTX Chè Thanh Chương" in html and "HTX Mật ong Con Cuông" in html


def test_list_is_paginated_and_a_bad_page_number_is_not_an_error(client):
    for n in range(15):
        CooperativeFactory(name=f"HTX Nông sản {n:02d}")

    first = client.get(LIST_URL).content.decode()
    second = client.get(LIST_URL, {"page": 2}).content.decode()
    bad = client.get(LIST_URL, {"page": "xyz"})

    assert first.count('class="card coop-card"') == 12
    assert second.count('class="card coop-card"') == 3
    assert bad.status_code == 200


def test_list_query_count_is_constant(client, django_assert_max_num_queries):
    def make(count):
        for _ in range(count):
            coop = CooperativeFactory()
            coop.logo = make_image(coop.collection, title="Logo")
            coop.save()

    make(2)
    client.get(LIST_URL)  # renditions are generated on the first view
    with django_assert_max_num_queries(5) as few:
        client.get(LIST_URL)
    make(8)
    client.get(LIST_URL)
    with django_assert_max_num_queries(5) as many:
        client.get(LIST_URL)

    assert len(many.captured_queries) == len(few.captured_queries)


def test_card_excerpt_is_plain_text_escaped_once(client):
    CooperativeFactory(
        name="HTX Chè và Mật ong", story="<p>Chè <i>xanh</i> &amp; mật ong</p>"
    )

    html = client.get(LIST_URL).content.decode()

    assert "Chè xanh &amp; mật ong" in html
    assert "&amp;amp;" not in html
