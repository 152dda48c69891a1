"""The district's page types as buyers see them: where each may be created, that
each renders, and what the listings show (current, upcoming, past; tags; pages)."""

import re

import pytest
from django.core import mail
from django.utils import timezone, translation
from wagtail.contrib.forms.models import FormSubmission
from wagtail.models import Locale, Page
from wagtail.test.utils import WagtailPageTestCase

from cms.models import (
    CampaignIndexPage,
    CampaignPage,
    ContactPage,
    EventIndexPage,
    EventPage,
    FooterLink,
    FooterSettings,
    HomePage,
    MenuItem,
    NavigationSettings,
    NewsIndexPage,
    NewsPage,
    StandardPage,
)
from cms.templatetags.cms_page_tags import event_when
from tests.market.factories import ProductFactory
from tests.producers.factories import CooperativeFactory, make_image

from .site_pages import campaign, days, district_site, draft, event, news_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    return district_site()


def html_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def titles_in(html: str, css_class: str) -> list[str]:
    """Link texts of the cards' titles (h2/h3 with `css_class`) in page order."""
    pattern = rf'class="{css_class}"><a href="[^"]*">([^<]+)</a>'
    return re.findall(pattern, html)


# --- Page creation rules -----------------------------------------------------


class TestPageCreationRules(WagtailPageTestCase):
    def test_home_takes_the_lists_standard_and_contact_pages(self):
        self.assertAllowedSubpageTypes(
            HomePage,
            {
                CampaignIndexPage,
                NewsIndexPage,
                EventIndexPage,
                StandardPage,
                ContactPage,
            },
        )
        self.assertAllowedParentPageTypes(HomePage, {Page})

    def test_campaigns_news_and_events_live_only_under_their_list(self):
        self.assertAllowedParentPageTypes(CampaignPage, {CampaignIndexPage})
        self.assertAllowedParentPageTypes(NewsPage, {NewsIndexPage})
        self.assertAllowedParentPageTypes(EventPage, {EventIndexPage})
        self.assertAllowedSubpageTypes(CampaignIndexPage, {CampaignPage})
        self.assertAllowedSubpageTypes(NewsIndexPage, {NewsPage})
        self.assertAllowedSubpageTypes(EventIndexPage, {EventPage})
        self.assertCanNotCreateAt(HomePage, CampaignPage)
        self.assertCanNotCreateAt(HomePage, NewsPage)
        self.assertCanNotCreateAt(NewsIndexPage, EventPage)

    def test_leaf_pages_take_no_children_and_standard_pages_nest(self):
        for leaf in (CampaignPage, NewsPage, EventPage, ContactPage):
            self.assertAllowedSubpageTypes(leaf, set())
        self.assertCanCreateAt(StandardPage, StandardPage)
        self.assertAllowedParentPageTypes(StandardPage, {HomePage, StandardPage})

    def test_each_home_has_at_most_one_of_each_list_and_one_contact_page(self):
        site = district_site()
        for model in (CampaignIndexPage, NewsIndexPage, EventIndexPage, ContactPage):
            assert not model.can_create_at(site.home), model
        assert StandardPage.can_create_at(site.home)

    def test_every_page_type_is_renderable(self):
        site = district_site()
        pages = [
            site.home,
            site.campaigns,
            campaign(site.campaigns, "Mùa cam Vinh 2026", -1, 30),
            site.news,
            news_post(site.news, "Cam Vinh vào vụ"),
            site.events,
            event(site.events, "Hội chợ cam", 5),
            site.about,
            site.contact,
        ]
        for page in pages:
            self.assertPageIsRenderable(page)


# --- Rendering -------------------------------------------------------------


def test_every_page_type_renders_for_a_visitor(client, site):
    mua_cam = campaign(site.campaigns, "Mùa cam Vinh 2026", -1, 30)
    post = news_post(site.news, "Cam Vinh vào vụ", intro="Vụ cam bắt đầu.")
    fair = event(site.events, "Hội chợ cam Vinh", 5)

    expected = {
        "/": "Nông sản sạch",
        "/chien-dich/": "Mùa cam Vinh 2026",
        mua_cam.url: "Mùa cam Vinh 2026",
        "/tin-tuc/": "Cam Vinh vào vụ",
        post.url: "Vụ cam bắt đầu.",
        "/su-kien/": "Hội chợ cam Vinh",
        fair.url: "Nhà văn hoá huyện",
        "/gioi-thieu/": "Huyện hỗ trợ bán hàng trực tuyến.",
        "/lien-he/": "Lời nhắn",
    }
    for url, text in expected.items():
        assert text in html_of(client.get(url)), url


def test_home_shows_hero_button_to_the_chosen_page_and_the_editors_blocks(client):
    site = district_site(
        hero_image=make_image(title="Đồi chè"),
        hero_cta_label="Mùa cam đã đến",
        body=[("paragraph", "<p>Khối văn bản của biên tập viên.</p>")],
    )
    mua_cam = campaign(site.campaigns, "Mùa cam Vinh 2026", -1, 30)
    site.home.hero_cta_page = mua_cam
    site.home.save_revision().publish()

    html = html_of(client.get("/"))

    assert (
        f'<a class="button button--primary" href="{mua_cam.url}">Mùa cam đã đến</a>'
        in html
    )
    assert "Khối văn bản của biên tập viên." in html
    hero = html[html.index('class="hero"') : html.index("</section>")]
    assert "<picture>" in hero
    assert 'type="image/avif"' in hero and 'type="image/webp"' in hero


def test_home_button_falls_back_to_the_address_then_to_the_catalogue(client, site):
    site.home.hero_cta_url = "/hop-tac-xa/"
    site.home.save_revision().publish()
    assert 'button--primary" href="/hop-tac-xa/">Xem sản phẩm' in html_of(
        client.get("/")
    )

    site.home.hero_cta_url = ""
    site.home.save_revision().publish()
    assert 'button--primary" href="/san-pham/">' in html_of(client.get("/"))


def test_home_features_running_campaigns_first_then_coming_ones_never_past(
    client, site
):
    campaign(site.campaigns, "Chè xanh sắp tới", 10, 40)
    campaign(site.campaigns, "Mùa cam đang chạy", -5, 20)
    campaign(site.campaigns, "Mật ong đã qua", -60, -30)
    campaign(site.campaigns, "Gạo sắp tới xa", 50, 80)
    draft(
        site.campaigns,
        CampaignPage(
            title="Nháp chưa duyệt",
            slug="nhap",
            start_date=days(-1),
            end_date=days(9),
        ),
    )

    html = html_of(client.get("/"))

    assert titles_in(html, "page-card__title")[:3] == [
        "Mùa cam đang chạy",
        "Chè xanh sắp tới",
        "Gạo sắp tới xa",
    ]
    assert "Mật ong đã qua" not in html and "Nháp chưa duyệt" not in html
    assert 'href="/chien-dich/">Xem tất cả chiến dịch' in html


def test_home_shows_the_three_latest_news_and_the_next_three_events(client, site):
    for day, title in enumerate(["Tin 1", "Tin 2", "Tin 3", "Tin 4"]):
        news_post(site.news, title, day=-10 + day)
    event(site.events, "Hội chợ đã qua", -3)
    for day in (3, 1, 9, 20):
        event(site.events, f"Sự kiện ngày {day}", day)

    html = html_of(client.get("/"))

    news = html[html.index('id="home-news"') :]
    assert titles_in(news, "page-card__title")[:3] == ["Tin 4", "Tin 3", "Tin 2"]
    events = html[html.index('id="home-events"') :]
    assert titles_in(events, "page-card__title") == [
        "Sự kiện ngày 1",
        "Sự kiện ngày 3",
        "Sự kiện ngày 9",
    ]
    assert "Tin 1" not in html and "Hội chợ đã qua" not in html


def test_home_keeps_featured_products_categories_and_verified_cooperatives(
    client, site
):
    ProductFactory(name="Cam Vinh loại 1", ocop_stars=4)
    CooperativeFactory(name="HTX Mật ong Con Cuông", is_verified=True)

    html = html_of(client.get("/"))

    assert "Cam Vinh loại 1" in html and "HTX Mật ong Con Cuông" in html
    assert 'id="home-categories"' in html


def test_campaign_index_sorts_campaigns_into_current_upcoming_and_past(client, site):
    campaign(site.campaigns, "Đang chạy, hết sau", -5, 30)
    campaign(site.campaigns, "Đang chạy, hết trước", -1, 3)
    campaign(site.campaigns, "Sắp tới", 10, 20)
    campaign(site.campaigns, "Đã qua lâu", -90, -60)
    campaign(site.campaigns, "Vừa qua", -20, -1)

    response = client.get("/chien-dich/")
    html = html_of(response)

    assert [c.title for c in response.context["current"]] == [
        "Đang chạy, hết trước",
        "Đang chạy, hết sau",
    ]
    assert [c.title for c in response.context["upcoming"]] == ["Sắp tới"]
    assert [c.title for c in response.context["past"]] == ["Vừa qua", "Đã qua lâu"]
    order = [
        html.index(h)
        for h in ("campaigns-current", "campaigns-upcoming", "campaigns-past")
    ]
    assert order == sorted(order)
    assert "Đã kết thúc" in html and "Sắp diễn ra" in html


def test_campaign_page_shows_its_phase_dates_intro_and_blocks(client, site):
    page = campaign(
        site.campaigns,
        "Chè xanh Thanh Chương",
        3,
        40,
        hero_image=make_image(),
        intro="<p>Chè <b>búp</b> đầu vụ.</p>",
        body=[("paragraph", "<p>Đồi chè bốn nghìn rưỡi héc-ta.</p>")],
    )

    html = html_of(client.get(page.url))

    assert '<span class="badge badge--upcoming">Sắp diễn ra</span>' in html
    start, end = page.start_date, page.end_date
    shown = f"{start.day}/{start.month}/{start.year}"
    assert f'<time datetime="{start:%Y-%m-%d}">{shown}</time>' in html
    assert f'<time datetime="{end:%Y-%m-%d}">' in html
    assert "Chè <b>búp</b> đầu vụ." in html
    assert "Đồi chè bốn nghìn rưỡi héc-ta." in html
    assert "<picture>" in html
    assert 'href="/chien-dich/">Chiến dịch</a>' in html  # breadcrumb


def test_news_index_lists_newest_first_twelve_a_page(client, site):
    for day in range(14):
        news_post(site.news, f"Bản tin số {day}", day=-day)

    first = client.get("/tin-tuc/")
    second = client.get("/tin-tuc/?page=2")
    beyond = client.get("/tin-tuc/?page=abc")

    assert [p.title for p in first.context["page_obj"]][:2] == [
        "Bản tin số 0",
        "Bản tin số 1",
    ]
    assert len(first.context["page_obj"]) == 12
    assert [p.title for p in second.context["page_obj"]] == [
        "Bản tin số 12",
        "Bản tin số 13",
    ]
    assert beyond.status_code == 200 and beyond.context["page_obj"].number == 1
    assert 'rel="next"' in html_of(first)
    assert '<meta name="robots" content="noindex, follow">' in html_of(second)


def test_news_index_filters_by_tag_and_keeps_the_tag_across_pages(client, site):
    news_post(site.news, "Cam vào vụ", tags=["cam vinh"])
    news_post(site.news, "Chè đầu mùa", tags=["chè"])
    news_post(site.news, "Cam và chè", tags=["cam vinh", "chè"])

    response = client.get("/tin-tuc/?tag=cam-vinh")
    html = html_of(response)

    assert [p.title for p in response.context["page_obj"]] == [
        "Cam và chè",
        "Cam vào vụ",
    ]
    assert response.context["selected_tag"].name == "cam vinh"
    assert 'href="/tin-tuc/?tag=cam-vinh" aria-current="true">#cam vinh</a>' in html
    assert 'href="/tin-tuc/">Tất cả</a>' in html
    tea = client.get("/tin-tuc/?tag=ch%C3%A8")  # slugs keep Vietnamese letters
    assert [p.title for p in tea.context["page_obj"]] == ["Cam và chè", "Chè đầu mùa"]


def test_news_index_with_an_unknown_tag_says_so_instead_of_failing(client, site):
    news_post(site.news, "Cam vào vụ", tags=["cam"])

    response = client.get("/tin-tuc/?tag=%3Cscript%3Ekhong-co")
    html = html_of(response)

    assert "Không có tin nào mang thẻ này." in html
    assert list(response.context["page_obj"]) == []
    assert "<script>khong-co" not in html
    assert '<meta name="robots" content="noindex, follow">' in html


def test_news_page_shows_date_author_tags_linking_to_the_filter_and_lead_image(
    client, site
):
    post = news_post(
        site.news,
        "HTX chè đạt OCOP 4 sao",
        day=-2,
        author="Phòng Nông nghiệp",
        tags=["ocop", "chè"],
        lead_image=make_image(title="Nương chè"),
        intro="Sản phẩm chè búp được công nhận.",
        body=[("paragraph", "<p>Toàn văn bản tin.</p>")],
    )

    html = html_of(client.get(post.url))

    assert f'<time datetime="{post.date:%Y-%m-%d}">' in html
    assert "Tác giả: Phòng Nông nghiệp" in html
    assert '<a href="/tin-tuc/?tag=ocop" rel="tag">#ocop</a>' in html
    assert '<a href="/tin-tuc/?tag=ch%C3%A8" rel="tag">#chè</a>' in html
    assert "<picture>" in html and "Toàn văn bản tin." in html


def test_event_index_lists_coming_events_soonest_first_and_keeps_past_ones_marked(
    client, site
):
    event(site.events, "Hội chợ tuần sau", 7)
    event(site.events, "Ngày hội ngày mai", 1)
    event(site.events, "Lễ hội năm ngoái", -300)

    response = client.get("/su-kien/")
    html = html_of(response)

    assert [e.title for e in response.context["upcoming_events"]] == [
        "Ngày hội ngày mai",
        "Hội chợ tuần sau",
    ]
    past = html[html.index('id="events-past"') :]
    assert "Lễ hội năm ngoái" in past and "Đã diễn ra" in past
    assert html.index("Ngày hội ngày mai") < html.index("Lễ hội năm ngoái")
    assert 'href="/su-kien/lich.ics"' in html


def test_event_page_shows_time_in_vietnamese_place_map_organiser_and_calendar(
    client, site
):
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
    )
    start = timezone.localtime(fair.start)

    html = html_of(client.get(fair.url))

    weekday = {
        0: "Thứ 2",
        1: "Thứ 3",
        2: "Thứ 4",
        3: "Thứ 5",
        4: "Thứ 6",
        5: "Thứ 7",
        6: "Chủ nhật",
    }
    day = start.date()
    date = f"{day.day}/{day.month}/{day.year}"
    assert f"{weekday[day.weekday()]}, {date}, 07:00 – 17:00" in html
    assert "Quảng trường Hồ Chí Minh, Vinh" in html and "UBND huyện" in html
    assert "https://www.openstreetmap.org/?mlat=18.6733&amp;mlon=105.6922" in html
    assert f'href="{fair.url}lich.ics" download>Thêm vào lịch</a>' in html
    assert "Đã diễn ra" not in html


def test_event_over_several_days_shows_both_ends_in_both_languages(client, site):
    fair = event(site.events, "Festival", 3, start_hour=8, end_day=5, end_hour=18)
    first, last = (timezone.localtime(t).date() for t in (fair.start, fair.end))

    html = html_of(client.get(fair.url))

    assert f", {first.day}/{first.month}/{first.year}, 08:00 – Thứ " in html
    assert f", {last.day}/{last.month}/{last.year}, 18:00</time>" in html
    with translation.override("en"):
        text = event_when(fair)
    assert text == (
        f"{first:%A}, {first.day} {first:%B} {first.year}, 08:00 – "
        f"{last:%A}, {last.day} {last:%B} {last.year}, 18:00"
    )


def test_past_event_page_is_marked_and_offers_no_calendar_button(client, site):
    old = event(site.events, "Lễ hội cam năm ngoái", -300)

    html = html_of(client.get(old.url))

    assert "Sự kiện này đã kết thúc" in html
    assert "Thêm vào lịch" not in html
    assert "openstreetmap" not in html  # no coordinates, no map link


def test_contact_form_has_a_label_for_every_field_and_reaches_inbox_and_admin(
    client, site
):
    html = html_of(client.get("/lien-he/"))
    for field_id in ("id_ho_ten", "id_email", "id_loi_nhan"):
        assert f'<label for="{field_id}"' in html
        assert f'id="{field_id}"' in html
    assert 'aria-describedby="id_email_helptext"' in html

    response = client.post(
        "/lien-he/",
        {"ho_ten": "Lan", "email": "lan@example.vn", "loi_nhan": "Tôi muốn mua sỉ."},
    )

    assert "phòng văn hoá huyện sẽ trả lời" in html_of(response)
    assert FormSubmission.objects.filter(page=site.contact).count() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["huyen@example.vn"]


def test_contact_form_with_errors_marks_the_fields_and_keeps_the_input(client, site):
    response = client.post(
        "/lien-he/", {"ho_ten": "Lan", "email": "không-phải-email", "loi_nhan": ""}
    )

    html = html_of(response)
    assert 'role="alert"' in html
    assert 'aria-invalid="true"' in html
    assert 'value="Lan"' in html
    assert FormSubmission.objects.count() == 0 and not mail.outbox


def test_draft_and_private_pages_stay_out_of_the_listings(client, site):
    draft(site.news, NewsPage(title="Tin nháp", slug="tin-nhap"))
    hidden = news_post(site.news, "Tin nội bộ")
    from wagtail.models import PageViewRestriction

    PageViewRestriction.objects.create(
        page=hidden, restriction_type=PageViewRestriction.LOGIN
    )
    news_post(site.news, "Tin công khai")

    html = html_of(client.get("/tin-tuc/"))
    assert "Tin công khai" in html
    assert "Tin nháp" not in html and "Tin nội bộ" not in html
    assert "Tin nội bộ" not in html_of(client.get("/"))


# --- Menu and footer ---------------------------------------------------------


def test_header_and_footer_fall_back_to_the_usual_links_when_nothing_is_set(
    client, site
):
    html = html_of(client.get("/gioi-thieu/"))

    nav = html[html.index('class="site-nav"') : html.index("</nav>")]
    assert 'href="/san-pham/">Sản phẩm</a>' in nav
    assert 'href="/hop-tac-xa/">Hợp tác xã</a>' in nav
    assert 'href="/gio-hang/"' in nav  # the cart link stays
    footer = html[html.index('class="site-footer"') :]
    assert "sàn thương mại điện tử của các hợp tác xã" in footer
    assert 'href="/admin/">Dành cho hợp tác xã</a>' in footer


def set_menu(site_pages, *items):
    from wagtail.models import Site

    setting = NavigationSettings.for_site(Site.objects.get())
    for order, (label, target) in enumerate(items):
        values = (
            {"link_page": target} if isinstance(target, Page) else {"link_url": target}
        )
        MenuItem.objects.create(
            setting=setting, label=label, sort_order=order, **values
        )
    return setting


def test_header_menu_comes_from_the_settings_with_the_current_page_marked(client, site):
    set_menu(
        site,
        ("Giới thiệu", site.about),
        ("Tin tức", site.news),
        ("Sản phẩm", "/san-pham/"),
    )

    html = html_of(client.get("/tin-tuc/"))

    nav = html[html.index('class="site-nav"') : html.index("</nav>")]
    assert re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav)[:3] == [
        ("/gioi-thieu/", "Giới thiệu"),
        ("/tin-tuc/", "Tin tức"),
        ("/san-pham/", "Sản phẩm"),
    ]
    assert '<a href="/tin-tuc/" aria-current="page">Tin tức</a>' in nav
    assert 'href="/hop-tac-xa/">Hợp tác xã</a>' not in nav
    assert 'href="/gio-hang/"' in nav


def test_menu_leaves_out_an_unpublished_page_and_updates_when_it_changes(client, site):
    set_menu(site, ("Giới thiệu", site.about), ("Tin tức", site.news))
    assert 'href="/gioi-thieu/">Giới thiệu</a>' in html_of(client.get("/"))

    site.about.unpublish()
    html = html_of(client.get("/"))

    assert 'href="/gioi-thieu/"' not in html
    assert 'href="/tin-tuc/">Tin tức</a>' in html


def test_menu_changes_show_at_once_although_the_menu_is_cached(client, site):
    assert "Giới thiệu</a>" not in html_of(client.get("/"))  # cached: no menu

    setting = set_menu(site, ("Giới thiệu", site.about))
    assert 'href="/gioi-thieu/">Giới thiệu</a>' in html_of(client.get("/"))

    MenuItem.objects.filter(setting=setting).delete()
    html = html_of(client.get("/"))
    assert "Giới thiệu</a>" not in html
    assert 'href="/hop-tac-xa/">Hợp tác xã</a>' in html  # back to the usual links


def test_menu_pages_lead_to_their_translation_on_english_pages(client, site):
    english = Locale.objects.get(language_code="en")
    en_home = site.home.copy_for_translation(english)
    en_home.save_revision().publish()
    en_news = site.news.copy_for_translation(english)
    en_news.slug = "news"
    en_news.save_revision().publish()
    set_menu(site, ("Tin tức", site.news), ("Giới thiệu", site.about))

    html = html_of(client.get("/en/"))

    nav = html[html.index('class="site-nav"') : html.index("</nav>")]
    assert 'href="/en/news/"' in nav
    assert 'href="/gioi-thieu/"' in nav  # not translated: the Vietnamese page
    assert 'href="/tin-tuc/"' in html_of(client.get("/"))


def test_footer_shows_the_districts_text_contacts_and_links(client, site):
    from wagtail.models import Site

    footer = FooterSettings.for_site(Site.objects.get())
    footer.text = "Ban quản lý chợ nông sản huyện\nSố 1 đường Lê Lợi"
    footer.contact_email = "cho@huyen.vn"
    footer.contact_phone = "0238 3 123 456"
    footer.save()
    FooterLink.objects.create(setting=footer, label="Liên hệ", link_page=site.contact)

    html = html_of(client.get("/san-pham/"))

    footer_html = html[html.index('class="site-footer"') :]
    assert "Ban quản lý chợ nông sản huyện<br>Số 1 đường Lê Lợi" in footer_html
    assert 'href="mailto:cho@huyen.vn"' in footer_html
    assert 'href="tel:+842383123456"' in footer_html
    assert 'href="/lien-he/">Liên hệ</a>' in footer_html
    assert "Dành cho hợp tác xã" not in footer_html


def test_menu_costs_no_query_once_cached_on_any_page_of_the_site(
    client, site, django_assert_max_num_queries
):
    set_menu(site, ("Giới thiệu", site.about), ("Tin tức", site.news))
    client.get("/hop-tac-xa/")  # fills the cache
    with django_assert_max_num_queries(0) as none:
        from django.test import RequestFactory

        from cms.navigation import site_links

        links = site_links(RequestFactory().get("/hop-tac-xa/"))
    assert [link["label"] for link in links["menu"]] == ["Giới thiệu", "Tin tức"]
    assert not none.captured_queries


# --- Query counts ------------------------------------------------------------


def grow_content(site, n: int):
    for i in range(n):
        campaign(
            site.campaigns, f"Chiến dịch {i}", -1 + i, 30 + i, hero_image=make_image()
        )
        news_post(
            site.news, f"Tin {i}", day=-i, lead_image=make_image(), tags=[f"t{i}"]
        )
        event(site.events, f"Sự kiện {i}", 1 + i, lead_image=make_image())
        ProductFactory(name=f"Sản phẩm {i}")
        CooperativeFactory(name=f"HTX {i}", is_verified=True, logo=make_image())


def count_queries(client, url, django_assert_max_num_queries, budget):
    client.get(url)  # renditions are made on the first view
    with django_assert_max_num_queries(budget) as captured:
        html_of(client.get(url))
    return len(captured.captured_queries)


def test_home_and_list_pages_cost_the_same_queries_with_one_or_ten_of_everything(
    client, site, django_assert_max_num_queries
):
    grow_content(site, 1)
    few = {
        url: count_queries(client, url, django_assert_max_num_queries, 40)
        for url in ("/", "/chien-dich/", "/tin-tuc/", "/su-kien/")
    }
    grow_content(site, 9)
    for url, budget in few.items():
        count_queries(client, url, django_assert_max_num_queries, budget)


def test_campaign_page_costs_the_same_queries_however_many_campaigns_exist(
    client, site, django_assert_max_num_queries
):
    page = campaign(site.campaigns, "Mùa cam", -1, 30, hero_image=make_image())
    few = count_queries(client, page.url, django_assert_max_num_queries, 30)
    grow_content(site, 8)
    count_queries(client, page.url, django_assert_max_num_queries, few)
