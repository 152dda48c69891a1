"""Vietnamese and English page trees: the Vietnamese site at "/", its English
translation under "/en/", and a language switcher that finds the translation."""

import datetime
import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Locale, Page, Site

from cms import roles
from cms.models import CampaignIndexPage, CampaignPage, HomePage, NewsIndexPage
from cms.templatetags.cms_i18n import translated_page_url
from tests.cms.test_workflow import admin_form, approve, edit_url
from tests.market.factories import ProductFactory
from tests.producers.factories import UserFactory

pytestmark = pytest.mark.django_db


def publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def translate(page, **values):
    """What an editor does with the "Translate" action, then publishes."""
    english = page.copy_for_translation(
        Locale.objects.get(language_code="en"), copy_parents=True
    )
    for name, value in values.items():
        setattr(english, name, value)
    english.save_revision().publish()
    english.refresh_from_db()
    return english


@pytest.fixture
def vi_tree():
    home = publish(
        Page.get_first_root_node(),
        HomePage(title="Trang chủ", slug="trang-chu", heading="Nông sản sạch"),
    )
    Site.objects.update(root_page=home)
    campaigns = publish(home, CampaignIndexPage(title="Chiến dịch", slug="chien-dich"))
    today = timezone.localdate()
    campaign = publish(
        campaigns,
        CampaignPage(
            title="Mùa cam Vinh 2026",
            slug="mua-cam-vinh",
            start_date=today,
            end_date=today + datetime.timedelta(days=30),
        ),
    )
    news = publish(home, NewsIndexPage(title="Tin tức", slug="tin-tuc"))
    return {"home": home, "campaigns": campaigns, "campaign": campaign, "news": news}


@pytest.fixture
def en_tree(vi_tree):
    home = translate(vi_tree["home"], title="Home", heading="Fresh farm produce")
    campaign = translate(
        vi_tree["campaign"], title="Vinh orange season 2026", slug="vinh-oranges"
    )
    return {"home": home, "campaign": campaign}


def switch_target(html: str) -> str:
    """The address the header's language link leads to."""
    switch = re.search(r'<div class="lang-switch">.*?</div>', html, re.S).group(0)
    return unescape(re.search(r'href="([^"]*)"', switch).group(1))


def test_vietnamese_and_english_locales_exist_after_migrate():
    codes = set(Locale.objects.values_list("language_code", flat=True))

    assert {"vi", "en"} <= codes


def test_english_home_and_campaign_are_served_under_en(client, vi_tree, en_tree):
    home = client.get("/en/")
    campaign = client.get("/en/chien-dich/vinh-oranges/")

    assert home.status_code == 200
    assert "Fresh farm produce" in home.content.decode()
    assert "Nông sản sạch" not in home.content.decode()
    assert campaign.status_code == 200
    assert "Vinh orange season 2026" in campaign.content.decode()
    assert '<html lang="en">' in campaign.content.decode()
    assert en_tree["campaign"].url == "/en/chien-dich/vinh-oranges/"


def test_vietnamese_site_stays_at_the_root(client, vi_tree, en_tree):
    home = client.get("/")
    campaign = client.get("/chien-dich/mua-cam-vinh/")

    assert home.status_code == 200
    assert "Nông sản sạch" in home.content.decode()
    assert "Fresh farm produce" not in home.content.decode()
    assert campaign.status_code == 200
    assert "Mùa cam Vinh 2026" in campaign.content.decode()
    assert vi_tree["campaign"].url == "/chien-dich/mua-cam-vinh/"
    # The English slug is not a Vietnamese address.
    assert client.get("/chien-dich/vinh-oranges/").status_code == 404


def test_switcher_on_a_translated_page_points_to_its_translation(
    client, vi_tree, en_tree
):
    on_vietnamese = client.get("/chien-dich/mua-cam-vinh/").content.decode()
    on_english = client.get("/en/chien-dich/vinh-oranges/").content.decode()

    assert switch_target(on_vietnamese) == "/en/chien-dich/vinh-oranges/"
    assert switch_target(on_english) == "/chien-dich/mua-cam-vinh/"
    assert switch_target(client.get("/").content.decode()) == "/en/"
    assert switch_target(client.get("/en/").content.decode()) == "/"


def test_pressing_the_switcher_lands_on_the_translation(client, vi_tree, en_tree):
    response = client.post(
        "/i18n/setlang/",
        {"language": "en", "next": "/en/chien-dich/vinh-oranges/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/en/chien-dich/vinh-oranges/"

    back = client.post(
        "/i18n/setlang/", {"language": "vi", "next": "/chien-dich/mua-cam-vinh/"}
    )
    assert back["Location"] == "/chien-dich/mua-cam-vinh/"


def test_page_without_translation_switches_to_the_english_home(
    client, vi_tree, en_tree
):
    html = client.get("/tin-tuc/").content.decode()

    assert switch_target(html) == "/en/"
    # Its Vietnamese address under /en/ is not an English page.
    assert client.get("/en/tin-tuc/").status_code == 404


def test_draft_translation_is_not_offered(client, vi_tree, en_tree):
    english_news = vi_tree["news"].copy_for_translation(
        Locale.objects.get(language_code="en")
    )
    assert not english_news.live

    html = client.get("/tin-tuc/").content.decode()

    assert switch_target(html) == "/en/"


def test_without_any_english_page_the_switcher_goes_to_the_english_root(
    client, vi_tree
):
    html = client.get("/chien-dich/mua-cam-vinh/").content.decode()

    assert switch_target(html) == "/en/"
    assert translated_page_url(vi_tree["campaign"], "en") == "/en/"
    assert client.get("/en/").status_code == 200


def test_market_pages_switch_to_the_same_address_in_the_other_language(
    client, vi_tree, en_tree
):
    ProductFactory(name="Cam Vinh loại 1")

    catalogue = client.get("/san-pham/?q=cam")
    english = client.get("/en/san-pham/?q=cam")

    assert catalogue.status_code == 200 and english.status_code == 200
    assert switch_target(catalogue.content.decode()) == "/en/san-pham/?q=cam"
    assert switch_target(english.content.decode()) == "/san-pham/?q=cam"
    assert client.get("/en/san-pham/?q=cam").status_code == 200


def test_switcher_asks_the_database_once_on_a_page(
    client, vi_tree, en_tree, django_assert_max_num_queries
):
    from django.template import Context, Template
    from django.test import RequestFactory

    request = RequestFactory().get("/chien-dich/mua-cam-vinh/")
    campaign = CampaignPage.objects.get(pk=vi_tree["campaign"].pk)
    template = Template("{% load cms_i18n %}{% language_switch_url 'en' %}")
    Site.find_for_request(request)  # the site is found once per request anyway
    campaign.get_url(request)  # as is the site root paths cache

    with django_assert_max_num_queries(1):
        url = template.render(Context({"request": request, "page": campaign}))

    assert url == "/en/chien-dich/vinh-oranges/"


def test_editor_translates_the_home_tree_and_an_approver_publishes_the_english_home(
    client, vi_tree
):
    editor = UserFactory(username="bien-tap")
    roles.make_district_editor(editor)
    approver = UserFactory(username="phe-duyet")
    roles.make_district_approver(approver)
    english = Locale.objects.get(language_code="en")
    home = vi_tree["home"]
    client.force_login(editor)

    response = client.post(
        reverse("simple_translation:submit_page_translation", args=(home.pk,)),
        {"locales": [english.pk], "include_subtree": "on"},
    )

    assert response.status_code == 302
    english_home = home.get_translation(english).specific
    assert not english_home.live
    assert vi_tree["campaign"].get_translation(english).slug == "mua-cam-vinh"
    assert english_home.get_workflow().name == roles.WORKFLOW_NAME
    data = admin_form(client, edit_url(english_home))
    data.update(
        {"title": "Home", "heading": "Fresh farm produce", "action-submit": "1"}
    )
    assert client.post(edit_url(english_home), data).status_code == 302
    assert "Fresh farm produce" not in client.get("/en/").content.decode()

    client.force_login(approver)
    approve(client, english_home)

    assert english_home.live
    assert "Fresh farm produce" in client.get("/en/").content.decode()
    assert "Nông sản sạch" in client.get("/").content.decode()
