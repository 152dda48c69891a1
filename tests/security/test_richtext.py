"""Rich text written by cooperatives is stored in Wagtail's format and nothing more.

Product descriptions and cooperative stories come from the admin's editor, but
also from code (demo data, imports, the shell) and from whatever a crafted form
post holds. Whatever arrives, what is stored and shown carries no script.
"""

import json
import re

import pytest
from django.urls import reverse
from wagtail.models import Page
from wagtail.rich_text import expand_db_html

from cms.demo import data as demo
from market.models import Product
from producers.models import RICH_TEXT_FEATURES, Cooperative
from producers.richtext import sanitise_rich_text
from tests.tenancy import build_world, cooperative_form_data, product_form_data

ATTACK = (
    "<p>Mật ong rừng<script>alert('s')</script>"
    '<img src="x" onerror="alert(\'e\')">'
    "<a href=\"javascript:alert('j')\">bấm</a>"
    '<a href="JaVaScRiPt&#x3a;alert(1)">bấm 2</a>'
    '<a href="data:text/html,<script>alert(1)</script>">bấm 3</a>'
    '<iframe src="https://evil.example/"></iframe>'
    '<svg onload="alert(\'v\')"><circle r="1"/></svg>'
    '<b onclick="alert(1)" style="color:red">đậm</b></p>'
    "<style>body{display:none}</style>"
    '<object data="x.swf"></object>'
)

# What would run in a browser, in any spelling.
EXECUTABLE = re.compile(
    r"<script|<iframe|<svg|<object|<style|<img|\son\w+\s*=|javascript:|data:text",
    re.IGNORECASE,
)


def assert_inert(html: str):
    assert not EXECUTABLE.search(html), EXECUTABLE.search(html)


# --- The sanitiser ---------------------------------------------------------------


def test_script_handlers_frames_and_bad_links_are_dropped_text_is_kept():
    clean = sanitise_rich_text(ATTACK, RICH_TEXT_FEATURES)

    assert_inert(clean)
    assert clean == ("<p>Mật ong rừng<a>bấm</a><a>bấm 2</a><a>bấm 3</a><b>đậm</b></p>")


def test_wagtail_stored_format_passes_through_unchanged():
    stored = (
        '<p data-block-key="a1">Chè <b>Thanh Chương</b> &amp; <i>cam</i><br/>'
        'xem <a linktype="page" id="12">mùa vụ</a> hoặc '
        '<a href="https://nghean.gov.vn/?a=1&amp;b=2">tỉnh</a>, '
        '<a href="mailto:htx@example.vn">thư</a>, '
        '<a href="tel:0912345678">gọi</a>\u00a0nhé</p>'
        '<h3 data-block-key="b2">Cách pha</h3>'
        '<ol><li data-block-key="c3">Tráng ấm</li></ol>'
        '<ul><li data-block-key="d4">Nước 85°C &lt; 90°C</li></ul>'
    )
    assert sanitise_rich_text(stored, RICH_TEXT_FEATURES) == stored


def test_embedded_images_and_media_survive_where_the_field_offers_them():
    stored = (
        '<p data-block-key="x">Ảnh:</p>'
        '<embed alt="Đồi chè &quot;sáng&quot;" embedtype="image" format="left" '
        'id="7"/>'
        '<embed embedtype="media" url="https://www.youtube.com/watch?v=abc"/>'
        '<hr/><p><a id="3" linktype="document">giấy chứng nhận</a></p>'
    )
    assert sanitise_rich_text(stored) == stored  # Wagtail's default features
    # A field without images keeps the text around them only.
    assert "<embed" not in sanitise_rich_text(stored, RICH_TEXT_FEATURES)


def test_embeds_and_links_of_unknown_kinds_lose_their_power():
    clean = sanitise_rich_text(
        '<embed embedtype="evil" id="1"/><embed src="x.swf"/>'
        '<a linktype="javascript" id="1">x</a>'
        '<embed embedtype="image" id="1 onerror=alert(1)" format="left"/>'
        '<embed embedtype="media" url="javascript:alert(1)"/>'
    )
    assert clean == '<a id="1">x</a>'
    assert_inert(expand_db_html(clean))


def test_sanitising_twice_changes_nothing():
    once = sanitise_rich_text(ATTACK, RICH_TEXT_FEATURES)
    assert sanitise_rich_text(once, RICH_TEXT_FEATURES) == once


def test_demo_content_is_already_clean():
    texts = [c.story for c in demo.COOPERATIVES] + [
        p.description for c in demo.COOPERATIVES for p in c.products
    ]
    texts = [t for t in texts if t]
    assert len(texts) > 20
    for text in texts:
        assert sanitise_rich_text(text, RICH_TEXT_FEATURES) == text


# --- Every way in ------------------------------------------------------------------


@pytest.fixture
def world(db):
    return build_world()


@pytest.mark.django_db
def test_a_product_written_by_code_is_stored_clean(world):
    home = Page.objects.get(depth=2)
    product = world.product_a
    link = f'<a linktype="page" id="{home.pk}">Về chợ</a>'
    product.description = ATTACK + f"<p>{link}</p>"
    product.save()

    product.refresh_from_db()
    assert_inert(product.description)
    assert "Mật ong rừng" in product.description
    assert f'<a linktype="page" id="{home.pk}">Về chợ</a>' in product.description
    # The internal link still leads to the page once rendered.
    assert f'href="{home.url}"' in expand_db_html(product.description)


@pytest.mark.django_db
def test_a_cooperative_story_written_by_code_is_stored_clean(world):
    cooperative = world.coop_a
    cooperative.story = ATTACK
    cooperative.save()

    stored = Cooperative.objects.get(pk=cooperative.pk).story
    assert_inert(stored)
    assert "Mật ong rừng" in stored


@pytest.mark.django_db
def test_a_district_page_intro_written_by_code_is_stored_clean_and_published_clean():
    from cms.models import StandardPage

    root = Page.get_first_root_node()
    page = root.add_child(
        instance=StandardPage(title="Giới thiệu huyện", slug="gioi-thieu", intro=ATTACK)
    )
    assert_inert(StandardPage.objects.get(pk=page.pk).intro)

    # A draft saved as a revision and published later is cleaned on publishing.
    page.intro = ATTACK
    revision = page.save_revision()
    revision.publish()
    stored = StandardPage.objects.get(pk=page.pk).intro
    assert_inert(stored)
    assert "Mật ong rừng" in stored


def _contentstate(text: str, url: str) -> str:
    """Draftail's posted form of one paragraph whose first word is a link."""
    return json.dumps(
        {
            "blocks": [
                {
                    "key": "a1",
                    "type": "unstyled",
                    "depth": 0,
                    "text": text,
                    "inlineStyleRanges": [],
                    "entityRanges": [{"offset": 0, "length": 4, "key": 0}],
                    "data": {},
                }
            ],
            "entityMap": {
                "0": {"type": "LINK", "mutability": "MUTABLE", "data": {"url": url}}
            },
        }
    )


@pytest.mark.django_db
def test_a_crafted_admin_post_of_a_product_is_stored_and_shown_clean(client, world):
    client.force_login(world.staff)
    data = product_form_data(
        world,
        description=_contentstate(
            "Bấm <script>alert(1)</script><svg onload=alert(1)>",
            "javascript:alert(document.cookie)",
        ),
        **{"action-publish": "action-publish"},
    )
    response = client.post(
        reverse("wagtailsnippets_market_product:edit", args=(world.product_b.pk,)),
        data,
    )
    assert response.status_code == 302

    product = Product.objects.get(pk=world.product_b.pk)
    assert product.live
    assert "javascript:" not in product.description
    assert "<script" not in product.description and "<svg" not in product.description
    assert "&lt;script&gt;" in product.description  # the words, shown as text

    page = client.get(product.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "alert(document.cookie)" not in html
    assert "<script>alert(1)" not in html
    assert "<svg onload" not in html


@pytest.mark.django_db
def test_raw_html_posted_instead_of_the_editor_value_is_a_form_error_or_clean(
    client, world
):
    """A post that skips the editor and sends HTML: never a 500, never a script."""
    client.force_login(world.staff)
    data = product_form_data(
        world, description=ATTACK, **{"action-publish": "action-publish"}
    )
    response = client.post(
        reverse("wagtailsnippets_market_product:edit", args=(world.product_b.pk,)),
        data,
    )
    assert response.status_code in (200, 302)
    assert_inert(Product.objects.get(pk=world.product_b.pk).description)


@pytest.mark.django_db
def test_a_crafted_admin_post_of_a_cooperative_story_is_stored_and_shown_clean(
    client, world
):
    client.force_login(world.editor_b)
    data = cooperative_form_data(
        world.coop_b,
        story=_contentstate(
            "Đọc <iframe src=//evil></iframe><img src=x onerror=alert(1)>",
            "javascript:alert(2)",
        ),
    )
    response = client.post(
        reverse("wagtailsnippets_producers_cooperative:edit", args=(world.coop_b.pk,)),
        data,
    )
    assert response.status_code == 302

    story = Cooperative.objects.get(pk=world.coop_b.pk).story
    assert "javascript:" not in story
    assert "<iframe" not in story and "<img" not in story
    html = client.get(world.coop_b.get_absolute_url()).content.decode()
    assert "alert(2)" not in html
    assert "<iframe src=//evil" not in html
