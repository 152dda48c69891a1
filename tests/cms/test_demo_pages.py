"""The demo builds the district's site: campaigns, news, events, standard pages,
contact, menu and footer, and (full demo) English translations; every page renders
and a re-run writes nothing."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Locale, Page, Revision, Site

from cms.demo import pages as demo_pages
from cms.demo.loader import load
from cms.models import (
    CampaignIndexPage,
    CampaignPage,
    ContactPage,
    EventIndexPage,
    EventPage,
    FooterSettings,
    HomePage,
    NavigationSettings,
    NewsIndexPage,
    NewsPage,
    StandardPage,
)
from market.models import Product

pytestmark = pytest.mark.django_db


def load_small_demo() -> str:
    out = StringIO()
    call_command("load_demo_data", "--small", stdout=out)
    return out.getvalue()


def page_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            HomePage,
            CampaignIndexPage,
            CampaignPage,
            NewsIndexPage,
            NewsPage,
            EventIndexPage,
            EventPage,
            StandardPage,
            ContactPage,
        )
    }


def test_small_demo_builds_a_slice_of_the_district_site_under_the_home_page():
    load_small_demo()

    assert page_counts() == {
        "HomePage": 1,
        "CampaignIndexPage": 1,
        "CampaignPage": 1,
        "NewsIndexPage": 1,
        "NewsPage": 2,
        "EventIndexPage": 1,
        "EventPage": 1,
        "StandardPage": 1,
        "ContactPage": 1,
    }
    home = HomePage.objects.get()
    assert not Page.objects.not_live().exists()
    for page in Page.objects.filter(depth__gt=2):
        assert page.is_descendant_of(home)
    assert [b.block_type for b in home.body] == [
        "key_figures",
        "product_grid",
        "call_to_action",
        "cooperative_map",
    ]
    campaign = CampaignPage.objects.get()
    assert campaign.title == "Chè xanh Thanh Chương"
    assert campaign.phase == "upcoming"
    assert {b.block_type for b in campaign.body} >= {
        "product_grid",
        "cooperative_spotlight",
        "lot_highlight",
        "faq",
    }
    assert campaign.hero_image.collection.name == "Trang chủ"
    news = NewsPage.objects.get(slug="che-bup-kho-thanh-chuong-dat-ocop-4-sao")
    assert {t.name for t in news.tags.all()} == {"OCOP", "chè", "Thanh Chương"}
    event = EventPage.objects.get()
    assert not event.is_past and event.latitude is not None
    contact = ContactPage.objects.get()
    assert contact.to_address == demo_pages.DISTRICT_EMAIL
    assert [(f.label, f.field_type) for f in contact.form_fields.all()] == [
        ("Họ và tên", "singleline"),
        ("Email", "email"),
        ("Số điện thoại", "singleline"),
        ("Nội dung", "multiline"),
    ]


def test_demo_site_settings_hold_the_menu_and_the_footer():
    load_small_demo()

    site = Site.objects.get(is_default_site=True)
    menu = NavigationSettings.for_site(site).menu_items.all()
    assert [item.label for item in menu] == [
        "Sản phẩm",
        "Hợp tác xã",
        "Chiến dịch",
        "Tin tức",
        "Sự kiện",
        "Truy xuất",
    ]
    assert [item.url for item in menu][2:5] == [
        "/chien-dich/",
        "/tin-tuc/",
        "/su-kien/",
    ]
    footer = FooterSettings.for_site(site)
    assert footer.contact_email == demo_pages.DISTRICT_EMAIL
    assert [link.label for link in footer.links.all()] == [
        "Giới thiệu",
        "Liên hệ",
        "Tra cứu đơn hàng",
    ]


def test_rerunning_the_demo_adds_no_pages_revisions_or_menu_items():
    load_small_demo()
    before = (
        page_counts(),
        Revision.objects.count(),
        NavigationSettings.objects.get().menu_items.count(),
    )
    ids = sorted(Page.objects.values_list("pk", flat=True))

    output = load_small_demo()

    assert "0 phiên bản mới lần này" in output
    assert (
        page_counts(),
        Revision.objects.count(),
        NavigationSettings.objects.get().menu_items.count(),
    ) == before
    assert sorted(Page.objects.values_list("pk", flat=True)) == ids


def test_demo_pages_render_for_a_visitor(client):
    load_small_demo()

    for url in (
        "/",
        "/chien-dich/",
        "/chien-dich/che-xanh-thanh-chuong/",
        "/tin-tuc/",
        "/tin-tuc/che-bup-kho-thanh-chuong-dat-ocop-4-sao/",
        "/su-kien/",
        "/su-kien/ngay-hoi-che-xanh-thanh-chuong/",
        "/gioi-thieu/",
        "/lien-he/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url


def test_campaign_product_grid_shows_the_cooperatives_live_products(client):
    load_small_demo()
    sold_out = Product.objects.get(slug="che-bup-kho-hop-qua")
    sold_out.stock = 0
    sold_out.save(update_fields=["stock"])

    html = client.get("/chien-dich/che-xanh-thanh-chuong/").content.decode()

    assert "Chè của HTX Chè Thanh Chương" in html
    assert "Chè búp khô Thanh Chương" in html
    assert "Chè xanh tươi Thanh Chương" in html
    assert "Chè búp khô hộp quà" not in html  # out of stock now
    assert "Mật ong hoa rừng Con Cuông" not in html  # another cooperative


def test_english_translations_of_home_and_a_campaign_are_made_once(client):
    summary = load(small=True)
    home = HomePage.objects.get(locale=Locale.get_default())
    admin = get_user_model().objects.get(username="admin")
    built = demo_pages.load_pages(home, admin, summary, small=True)
    context = demo_pages.Context(admin, summary, True, timezone.localdate())

    english = demo_pages.load_translations(home, built, context)
    revisions = Revision.objects.count()
    again = demo_pages.load_translations(home, built, context)

    assert Revision.objects.count() == revisions
    assert {k: p.pk for k, p in again.items()} == {k: p.pk for k, p in english.items()}
    en = Locale.objects.get(language_code="en")
    campaign = english["campaign"]
    assert campaign.locale == en and campaign.live
    assert campaign.translation_key == built["campaign_tea"].translation_key
    assert campaign.get_parent().specific == english["campaign_index"]
    assert english["home"].get_translation(Locale.get_default()) == home
    assert client.get("/en/").status_code == 200
    response = client.get("/en/campaigns/thanh-chuong-green-tea/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Thanh Chương green tea" in html
    assert "Chè búp khô Thanh Chương" in html  # the live product grid
