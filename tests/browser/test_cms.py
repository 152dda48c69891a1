"""A district editor builds a campaign page with a live product grid in the admin and
submits it; an approver publishes it from the workflow task; a visitor on a phone
sees the campaign with the products the cooperatives have in stock."""

import datetime
import io

import pytest
from django.core.files.images import ImageFile
from django.utils import timezone
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from wagtail.images import get_image_model
from wagtail.models import Page, PageLogEntry, Site

from cms.demo import images
from cms.models import CampaignIndexPage, CampaignPage, HomePage
from cms.roles import ensure_cms_roles, make_district_approver, make_district_editor
from market import stock
from market.models import Product, ProductImage
from tests.browser.helpers import PHONE, horizontal_overflow
from tests.market.factories import CategoryFactory, ProductFactory
from tests.producers.factories import CooperativeFactory, UserFactory

TITLE = "Tuần lễ cam Vinh"


@pytest.fixture
def district(site_url):
    ensure_cms_roles()
    home = HomePage(title="Chợ Nông Sản Nghệ An", slug="trang-chu")
    Page.get_first_root_node().add_child(instance=home)
    Site.objects.filter(is_default_site=True).update(
        root_page=home, site_name="Chợ Nông Sản Nghệ An"
    )
    index = CampaignIndexPage(title="Chiến dịch", slug="chien-dich")
    home.add_child(instance=index)

    fruit = CategoryFactory(name="Trái cây", slug="trai-cay")
    oranges = CategoryFactory(name="Cam", slug="cam", parent=fruit)
    honey = CategoryFactory(name="Mật ong", slug="mat-ong")
    orchard = CooperativeFactory(name="HTX Cam Vinh Quỳ Hợp", slug="htx-cam")
    for name, slug, price, units in (
        ("Cam Vinh loại 1", "cam-vinh-loai-1", 45000, 400),
        ("Cam Xã Đoài", "cam-xa-doai", 55000, 90),
        ("Thùng quà cam Vinh 5 kg", "thung-qua-cam-vinh", 250000, 40),
        ("Nước cam ép Quỳ Hợp", "nuoc-cam-ep", 35000, 0),
    ):
        product = ProductFactory(
            cooperative=orchard,
            category=oranges,
            name=name,
            slug=slug,
            price=price,
            stock=units,
        )
        ProductImage.objects.create(product=product, image=picture(product))
    ProductFactory(
        cooperative=orchard, category=oranges, name="Cam chưa đăng bán", live=False
    )
    ProductFactory(category=honey, name="Mật ong hoa rừng Con Cuông")

    editor = UserFactory(username="bientap", first_name="Biên tập viên huyện")
    make_district_editor(editor)
    approver = UserFactory(username="pheduyet", first_name="Phê duyệt viên huyện")
    make_district_approver(approver)
    return index


def picture(product):
    """The product's photo, drawn like the demo's."""
    content = images.product_picture(
        product.name,
        product.cooperative.name,
        "box" if "Thùng" in product.name else "orange",
        (245, 124, 0),
    )
    return get_image_model().objects.create(
        title=product.name,
        file=ImageFile(io.BytesIO(content), name=f"{product.slug}.jpg"),
    )


def sign_in(page, site_url, username):
    page.goto(site_url + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "password")
    page.locator("form button[type=submit]").click()
    page.wait_for_url("**/admin/")


def day(offset: int) -> str:
    """A date as the admin's date field takes it (day first: 26/11/2026)."""
    return (timezone.localdate() + datetime.timedelta(days=offset)).strftime("%d/%m/%Y")


def open_chooser(page, button) -> None:
    """Click a chooser's button until its modal opens.

    A block added to a StreamField gets its chooser's script a moment after it
    appears; on a busy machine the first click can land before that.
    """
    modal = page.locator(".modal-content")
    for _attempt in range(5):
        button.click()
        try:
            modal.wait_for(state="visible", timeout=4000)
            return
        except PlaywrightTimeoutError:
            continue
    modal.wait_for(state="visible")


def test_editor_builds_a_campaign_with_a_live_grid_approver_publishes_visitor_sees_it(
    browser, page, phone, site_url, district, screenshot
):
    # The district editor adds a campaign under "Chiến dịch".
    sign_in(page, site_url, "bientap")
    page.goto(site_url + f"/admin/pages/{district.pk}/add_subpage/")
    page.wait_for_url(f"**/admin/pages/add/cms/campaignpage/{district.pk}/")
    page.fill("#id_title", TITLE)
    page.fill("#id_start_date", day(-1))
    page.keyboard.press("Escape")  # the date picker
    page.fill("#id_end_date", day(30))
    page.keyboard.press("Escape")

    # A "Lưới sản phẩm" block whose products follow the "Cam" category.
    page.locator("[data-contentpath=body] .c-sf-add-button").first.click()
    page.get_by_role("option", name="Lưới sản phẩm").click()
    page.fill("#body-0-value-title", "Cam Vinh đang bán")
    # No hand-picked products (the list starts empty): the grid is a live query.
    assert not page.locator(
        "[data-contentpath=products] [data-streamfield-action=DELETE]"
    ).count()
    open_chooser(
        page, page.locator("#body-0-value-category-chooser .chooser__choose-button")
    )
    modal = page.locator(".modal-content")
    modal.get_by_role("link", name="Trái cây › Cam").click()
    modal.wait_for(state="detached")
    assert "Cam" in page.locator("#body-0-value-category-chooser").inner_text()
    assert page.locator("#body-0-value-in_stock").is_checked()
    page.select_option("#body-0-value-sort", "price")
    page.locator("[data-contentpath=category]").scroll_into_view_if_needed()
    screenshot("cms-editor-campaign-product-grid")

    # Editors cannot publish: they submit to the district's workflow.
    page.locator("footer .w-dropdown__toggle").click()
    assert page.locator("footer button[name=action-publish]").count() == 0
    page.locator("footer button[name=action-submit]").click()
    page.wait_for_url(f"**/admin/pages/{district.pk}/")
    assert TITLE in page.locator(".messages").inner_text()
    campaign = CampaignPage.objects.get(title=TITLE)
    assert not campaign.live
    assert campaign.current_workflow_state.status == "in_progress"
    # Not public yet.
    assert page.request.get(site_url + campaign.url).status == 404

    # The approver finds it awaiting review and approves it, which publishes it.
    reviewer = browser.new_context(viewport={"width": 1280, "height": 900})
    approver_page = reviewer.new_page()
    sign_in(approver_page, site_url, "pheduyet")
    task_link = approver_page.locator(f"a[href$='/admin/pages/{campaign.pk}/edit/']")
    assert TITLE in task_link.first.inner_text()
    screenshot("cms-approver-awaiting-review", approver_page)
    task_link.first.click()
    approver_page.wait_for_url(f"**/admin/pages/{campaign.pk}/edit/")
    approver_page.locator("footer .w-dropdown__toggle").click()
    approver_page.wait_for_function(  # the menu has faded in
        "() => getComputedStyle(document.querySelector('footer .tippy-box')).opacity"
        " === '1'"
    )
    screenshot("cms-approver-workflow-actions", approver_page)
    approver_page.locator(
        "footer button[data-workflow-action-name=approve]"
        ":not([data-workflow-action-modal-url])"
    ).click()
    approver_page.wait_for_url(f"**/admin/pages/{district.pk}/")
    reviewer.close()
    campaign.refresh_from_db()
    assert campaign.live and campaign.phase == "current"
    assert campaign.current_workflow_state is None
    assert campaign.revisions.order_by("created_at").first().user.username == "bientap"
    published = PageLogEntry.objects.get(page=campaign, action="wagtail.publish")
    assert published.user.username == "pheduyet"

    # A visitor on a phone finds the campaign and its oranges in stock.
    phone.goto(site_url + "/chien-dich/")
    phone.get_by_role("link", name=TITLE).first.click()
    phone.wait_for_url(f"**{campaign.url}")
    assert phone.get_by_role("heading", name=TITLE).is_visible()
    grid = phone.locator(".block-products")
    assert grid.get_by_role("heading", name="Cam Vinh đang bán").is_visible()
    names = grid.locator(".product-card__name").all_inner_texts()
    assert names == ["Cam Vinh loại 1", "Cam Xã Đoài", "Thùng quà cam Vinh 5 kg"]
    assert horizontal_overflow(phone) <= 0
    for card in grid.locator(".product-card").all():
        assert card.bounding_box()["width"] <= PHONE["width"]
    screenshot("cms-visitor-campaign-phone", phone)

    # The grid is live: a product sold out since publishing leaves it, although
    # the campaign page is served from the page cache.
    sold_out = Product.objects.get(slug="cam-xa-doai")
    stock.adjust(sold_out.pk, mode=stock.SET, quantity=0)
    phone.reload()
    names = phone.locator(".block-products .product-card__name").all_inner_texts()
    assert names == ["Cam Vinh loại 1", "Thùng quà cam Vinh 5 kg"]
