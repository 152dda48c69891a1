"""sitemap.xml (pages in both languages, products, cooperatives) and robots.txt."""

import xml.etree.ElementTree as ET

import pytest
from wagtail.models import Locale, PageViewRestriction

from cms.models import NewsPage
from tests.market.factories import ProductFactory
from tests.producers.factories import CooperativeFactory

from .site_pages import district_site, draft, news_post

pytestmark = pytest.mark.django_db

NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "xhtml": "http://www.w3.org/1999/xhtml",
}


def sitemap(client) -> ET.Element:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)


def locations(root) -> list[str]:
    return [url.findtext("sm:loc", namespaces=NS) for url in root.findall("sm:url", NS)]


def test_sitemap_lists_published_public_pages_only(client):
    site = district_site()
    news_post(site.news, "Tin công khai", slug="tin-cong-khai")
    draft(site.news, NewsPage(title="Tin nháp", slug="tin-nhap"))
    private = news_post(site.news, "Tin nội bộ", slug="tin-noi-bo")
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.LOGIN
    )
    site.about.unpublish()

    urls = locations(sitemap(client))

    for path in ("/", "/chien-dich/", "/tin-tuc/", "/su-kien/", "/lien-he/"):
        assert f"http://localhost{path}" in urls
    assert "http://localhost/tin-tuc/tin-cong-khai/" in urls
    assert not any(
        part in url for url in urls for part in ("tin-nhap", "tin-noi-bo", "gioi-thieu")
    )


def test_sitemap_lists_the_english_tree_beside_the_vietnamese_one(client):
    site = district_site()
    english = site.home.copy_for_translation(Locale.objects.get(language_code="en"))
    english.title = "Farm market"
    english.save_revision().publish()

    urls = locations(sitemap(client))

    assert "http://localhost/" in urls
    assert "http://localhost/en/" in urls


def test_sitemap_lists_published_products_in_both_languages_with_alternates(client):
    district_site()
    ProductFactory(name="Cam Vinh", slug="cam-vinh")
    ProductFactory(name="Cam nháp", slug="cam-nhap", live=False)

    root = sitemap(client)
    urls = locations(root)

    assert "http://testserver/san-pham/cam-vinh/" in urls
    assert "http://testserver/en/san-pham/cam-vinh/" in urls
    assert not any("cam-nhap" in url for url in urls)
    entry = next(
        url
        for url in root.findall("sm:url", NS)
        if url.findtext("sm:loc", namespaces=NS)
        == "http://testserver/san-pham/cam-vinh/"
    )
    alternates = {
        link.get("hreflang"): link.get("href")
        for link in entry.findall("xhtml:link", NS)
    }
    assert alternates == {
        "vi": "http://testserver/san-pham/cam-vinh/",
        "en": "http://testserver/en/san-pham/cam-vinh/",
        "x-default": "http://testserver/san-pham/cam-vinh/",
    }
    assert entry.findtext("sm:lastmod", namespaces=NS)


def test_sitemap_lists_cooperatives(client):
    district_site()
    CooperativeFactory(name="HTX Mật ong", slug="htx-mat-ong")

    urls = locations(sitemap(client))

    assert "http://testserver/hop-tac-xa/htx-mat-ong/" in urls
    assert "http://testserver/en/hop-tac-xa/htx-mat-ong/" in urls


def test_sitemap_costs_the_same_queries_for_few_or_many_products(
    client, django_assert_max_num_queries
):
    district_site()
    ProductFactory()
    CooperativeFactory()
    with django_assert_max_num_queries(40) as few:
        client.get("/sitemap.xml")
    for _ in range(10):
        ProductFactory()
        CooperativeFactory()
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/sitemap.xml")


def test_robots_txt_allows_all_but_the_admin_and_buyers_own_pages(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert lines[:2] == ["User-agent: *", "Allow: /"]
    for path in ("/admin/", "/gio-hang/", "/thanh-toan/", "/tai-khoan/", "/don-hang/"):
        assert f"Disallow: {path}" in lines
    assert "Disallow: /en/gio-hang/" in lines
    assert "Disallow: /san-pham/" not in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_robots_txt_names_the_sitemap_on_the_host_asked(client):
    response = client.get("/robots.txt", HTTP_HOST="cho.nghean.example")
    assert "Sitemap: http://cho.nghean.example/sitemap.xml" in response.content.decode()
