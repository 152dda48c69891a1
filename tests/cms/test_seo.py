"""What pages tell search engines, Zalo, Facebook and Twitter: title, description,
canonical, OpenGraph, Twitter cards and schema.org JSON-LD."""

import json
from html.parser import HTMLParser

import pytest
from django.utils import timezone
from wagtail.models import Locale

from tests.market.factories import ProductFactory
from tests.producers.factories import make_image

from .site_pages import campaign, district_site, event, news_post

pytestmark = pytest.mark.django_db


class Head(HTMLParser):
    """The <head>'s title, meta and link tags and JSON-LD scripts."""

    def __init__(self, html: str):
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.links: list[dict] = []
        self.json_ld: list[dict] = []
        self.title = ""
        self._in = None
        self.feed(html.split("</head>")[0])

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta":
            key = attrs.get("property") or attrs.get("name")
            if key:
                self.meta.setdefault(key, []).append(attrs.get("content"))
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in = "json"
        elif tag == "title":
            self._in = "title"

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "json":
            self.json_ld.append(json.loads(data))
        elif self._in == "title":
            self.title += data

    def one(self, key: str) -> str:
        values = self.meta.get(key, [])
        assert len(values) == 1, f"{key}: {values}"
        return values[0]

    def link(self, rel: str) -> list[dict]:
        return [link for link in self.links if link.get("rel") == rel]


def head_of(client, url, **extra) -> Head:
    response = client.get(url, **extra)
    assert response.status_code == 200
    return Head(response.content.decode())


@pytest.fixture
def site():
    return district_site()


def test_page_title_description_and_canonical_come_from_the_promote_tab(client, site):
    site.about.seo_title = "Về Chợ Nông Sản"
    site.about.search_description = "Ai đứng sau sàn nông sản của huyện."
    site.about.save_revision().publish()

    head = head_of(client, "/gioi-thieu/?utm_source=zalo")

    assert head.title == "Về Chợ Nông Sản · Chợ Nông Sản Nghệ An"
    assert head.one("description") == "Ai đứng sau sàn nông sản của huyện."
    assert [link["href"] for link in head.link("canonical")] == [
        "http://localhost/gioi-thieu/"
    ]
    assert head.one("og:title") == "Về Chợ Nông Sản"
    assert head.one("og:description") == "Ai đứng sau sàn nông sản của huyện."
    assert head.one("og:url") == "http://localhost/gioi-thieu/"
    assert head.one("og:type") == "website"
    assert head.one("og:locale") == "vi_VN"
    assert head.one("og:site_name") == "Chợ Nông Sản Nghệ An"
    assert head.one("twitter:card") == "summary"
    assert head.one("twitter:title") == "Về Chợ Nông Sản"
    assert "og:image" not in head.meta


def test_without_a_search_description_the_intro_describes_the_page(client, site):
    head = head_of(client, "/gioi-thieu/")
    assert head.one("description") == "Sàn của các hợp tác xã."
    assert head.one("og:description") == "Sàn của các hợp tác xã."


def test_share_image_is_a_1200_by_630_jpeg_at_an_absolute_address(client, site):
    site.about.share_image = make_image(title="Ảnh chia sẻ", size=(1600, 1000))
    site.about.save_revision().publish()

    head = head_of(client, "/gioi-thieu/")

    image = head.one("og:image")
    assert image.startswith("http://testserver/media/images/")
    assert image.endswith(".jpg") and ".fill-1200x630" in image
    assert head.one("og:image:width") == "1200"
    assert head.one("og:image:height") == "630"
    assert head.one("og:image:alt") == "Ảnh chia sẻ"
    assert head.one("twitter:card") == "summary_large_image"
    assert head.one("twitter:image") == image


def test_home_campaign_news_and_event_share_their_own_picture_by_default(client, site):
    site.home.hero_image = make_image()
    site.home.save_revision().publish()
    mua_cam = campaign(site.campaigns, "Mùa cam", -1, 9, hero_image=make_image())
    post = news_post(site.news, "Tin", lead_image=make_image())
    fair = event(site.events, "Hội chợ", 3, lead_image=make_image())

    for url in ("/", mua_cam.url, post.url, fair.url):
        assert ".fill-1200x630" in head_of(client, url).one("og:image")


def test_news_post_is_an_article_with_newsarticle_json_ld(client, site):
    post = news_post(
        site.news,
        "HTX chè đạt OCOP 4 sao",
        day=-1,
        author="Phòng Nông nghiệp",
        intro="Chè búp Thanh Chương được công nhận.",
        tags=["ocop", "chè"],
        lead_image=make_image(),
    )

    head = head_of(client, post.url)

    assert head.one("og:type") == "article"
    published = head.one("article:published_time")
    assert published.startswith(f"{post.date:%Y-%m-%d}T00:00:00+07:00")
    assert sorted(head.meta["article:tag"]) == ["chè", "ocop"]
    [article] = head.json_ld
    assert article["@context"] == "https://schema.org"
    assert article["@type"] == "NewsArticle"
    assert article["headline"] == "HTX chè đạt OCOP 4 sao"
    assert article["datePublished"] == published
    assert article["dateModified"].endswith("+07:00")
    assert article["author"] == {"@type": "Person", "name": "Phòng Nông nghiệp"}
    assert article["publisher"]["name"] == "Chợ Nông Sản Nghệ An"
    assert article["description"] == "Chè búp Thanh Chương được công nhận."
    assert article["mainEntityOfPage"] == f"http://localhost{post.url}"
    assert article["image"][0].startswith("http://testserver/media/")
    assert article["keywords"] == ["chè", "ocop"]
    assert article["inLanguage"] == "vi"


def test_news_post_published_today_carries_its_publication_time(client, site):
    post = news_post(site.news, "Tin hôm nay")
    head = head_of(client, post.url)
    expected = timezone.localtime(post.first_published_at).isoformat()
    assert head.one("article:published_time") == expected


def test_event_json_ld_has_times_with_offset_place_geo_and_organiser(client, site):
    fair = event(
        site.events,
        "Hội chợ cam Vinh",
        3,
        start_hour=7,
        end_hour=17,
        address="Quảng trường Hồ Chí Minh, Vinh",
        latitude="18.6733",
        longitude="105.6922",
        organiser="UBND huyện",
        intro="Bốn mươi gian hàng.",
    )

    [data] = head_of(client, fair.url).json_ld

    assert data["@type"] == "Event"
    assert data["name"] == "Hội chợ cam Vinh"
    start = timezone.localtime(fair.start)
    assert data["startDate"] == f"{start:%Y-%m-%d}T07:00:00+07:00"
    assert data["endDate"] == f"{start:%Y-%m-%d}T17:00:00+07:00"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["eventAttendanceMode"] == (
        "https://schema.org/OfflineEventAttendanceMode"
    )
    assert data["location"] == {
        "@type": "Place",
        "name": "Nhà văn hoá huyện",
        "address": {
            "@type": "PostalAddress",
            "addressCountry": "VN",
            "streetAddress": "Quảng trường Hồ Chí Minh, Vinh",
        },
        "geo": {"@type": "GeoCoordinates", "latitude": 18.6733, "longitude": 105.6922},
    }
    assert data["organizer"] == {"@type": "Organization", "name": "UBND huyện"}
    assert data["description"] == "Bốn mươi gian hàng."
    assert data["url"] == f"http://localhost{fair.url}"


def test_event_without_coordinates_has_a_place_without_geo(client, site):
    fair = event(site.events, "Ngày hội", 2)
    [data] = head_of(client, fair.url).json_ld
    assert "geo" not in data["location"] and "organizer" not in data


def test_pages_without_structured_data_have_no_json_ld(client, site):
    assert head_of(client, "/gioi-thieu/").json_ld == []
    assert head_of(client, "/").json_ld == []


def test_hostile_titles_are_escaped_in_meta_tags_and_json_ld(client, site):
    title = 'Cam "ngon" </script><script>alert(1)</script> & chè'
    post = news_post(
        site.news, title, search_description='Mô tả "trích dẫn" <b>đậm</b>'
    )

    response = client.get(post.url)
    html = response.content.decode()
    head = Head(html)

    assert "<script>alert(1)</script>" not in html
    assert head.one("og:title") == title
    assert head.one("og:description") == 'Mô tả "trích dẫn" <b>đậm</b>'
    assert head.json_ld[0]["headline"] == title
    script = html[html.index('<script type="application/ld+json">') :]
    script = script[: script.index("</script>")]
    assert "\\u003C/script\\u003E" in script and "\\u0026" in script


def test_translated_pages_point_to_each_other_and_name_their_locale(client, site):
    english = site.home.copy_for_translation(Locale.objects.get(language_code="en"))
    english.title = "Farm market"
    english.save_revision().publish()

    vi_head = head_of(client, "/")
    en_head = head_of(client, "/en/")

    alternates = {link["hreflang"]: link["href"] for link in vi_head.link("alternate")}
    assert alternates == {"vi": "http://localhost/", "en": "http://localhost/en/"}
    assert vi_head.one("og:locale") == "vi_VN"
    assert vi_head.one("og:locale:alternate") == "en_US"
    assert en_head.one("og:locale") == "en_US"
    assert en_head.one("og:locale:alternate") == "vi_VN"
    assert [link["href"] for link in en_head.link("canonical")] == [
        "http://localhost/en/"
    ]


def test_filtered_news_lists_are_followed_but_not_indexed(client, site):
    news_post(site.news, "Tin", tags=["cam"])
    assert "robots" not in head_of(client, "/tin-tuc/").meta
    assert head_of(client, "/tin-tuc/?tag=cam").one("robots") == "noindex, follow"


def test_market_pages_keep_their_own_tags_and_get_none_of_the_pages(client, site):
    product = ProductFactory(name="Cam Vinh", slug="cam-vinh")

    head = head_of(client, product.get_absolute_url())

    assert head.one("og:type") == "product"
    assert head.one("og:title") == "Cam Vinh"
    assert len(head.link("canonical")) == 1
    cart = head_of(client, "/gio-hang/")
    assert "og:type" not in cart.meta and not cart.link("canonical")


def test_a_share_image_whose_file_is_gone_leaves_the_page_without_one(client, site):
    image = make_image(title="Ảnh đã mất")
    site.about.share_image = image
    site.about.save_revision().publish()
    image.file.storage.delete(image.file.name)

    head = head_of(client, "/gioi-thieu/")

    assert "og:image" not in head.meta
    assert head.one("twitter:card") == "summary"
