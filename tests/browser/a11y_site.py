"""A realistic district site for the accessibility tests: CMS pages in both
languages, cooperatives with photos, products, lots (one recalled), orders and a
buyer with an account."""

from types import SimpleNamespace

from wagtail.models import Locale

from market.models import PaymentMethod, ProductImage
from producers.models import CooperativePhoto
from tests.browser.helpers import add_to_cart
from tests.cms.site_pages import campaign, district_site, event, news_post
from tests.market.factories import CategoryFactory, ProductFactory
from tests.market.orders import place
from tests.producers.factories import (
    CertificationFactory,
    CooperativeFactory,
    UserFactory,
    make_image,
)
from tests.producers.lot_histories import (
    certify,
    recalled_lot,
    record_full_history,
    tea_lot,
)

GTIN = "08935000000014"
BUYER_EMAIL = "lan@example.com"
PASSWORD = "password"


def build_site() -> SimpleNamespace:
    Locale.objects.get_or_create(language_code="en")
    pages = district_site()
    tea_coop = CooperativeFactory(
        name="Hợp tác xã Chè Thanh Chương",
        slug="htx-che-thanh-chuong",
        story="<p>Ba mươi hộ trồng chè trên đồi Hạnh Lâm.</p>",
        email="che@example.vn",
        logo=make_image(title="Logo HTX chè", colour="#2f6b2f", size=(200, 200)),
    )
    CooperativePhoto.objects.create(
        cooperative=tea_coop,
        image=make_image(
            title="doi-che.jpg",
            description="Đồi chè Hạnh Lâm lúc bình minh",
            size=(800, 600),
        ),
        caption="Đồi chè Hạnh Lâm",
    )
    CertificationFactory(cooperative=tea_coop)
    orange_coop = CooperativeFactory(
        name="HTX Cam Vinh Quỳ Hợp", slug="htx-cam", email="cam@example.vn"
    )
    tea_category = CategoryFactory(name="Chè", slug="che")
    orange_category = CategoryFactory(name="Cam", slug="cam")
    tea = ProductFactory(
        cooperative=tea_coop,
        category=tea_category,
        name="Chè búp khô Thanh Chương hộp 500 g",
        slug="che-bup-kho",
        summary="Chè xanh sao tay, hái một tôm hai lá.",
        description="<p>Chè được hái sáng sớm và sao trong ngày.</p>",
        price=185000,
        stock=20,
        ocop_stars=4,
    )
    for index, colour in enumerate(("#6b8e23", "#8fbc8f")):
        ProductImage.objects.create(
            product=tea,
            image=make_image(
                title=f"che-{index}.jpg",
                description=f"Hộp chè búp khô, ảnh {index + 1}",
                colour=colour,
                size=(800, 600),
            ),
            sort_order=index,
        )
    orange = ProductFactory(
        cooperative=orange_coop,
        category=orange_category,
        name="Cam Vinh loại 1",
        slug="cam-vinh-loai-1",
        price=45000,
        stock=100,
    )
    ProductFactory(
        cooperative=orange_coop,
        category=orange_category,
        name="Nước cam ép Quỳ Hợp",
        slug="nuoc-cam-ep",
        price=35000,
        stock=0,
    )

    lot = tea_lot(gtin=GTIN, cooperative=tea_coop)
    certify(lot)
    record_full_history(lot)
    tea.lots.add(lot)
    tea.save()
    recalled = recalled_lot()

    buyer = UserFactory(username=BUYER_EMAIL, email=BUYER_EMAIL, first_name="Lan")
    cash_order = place([(tea, 2), (orange, 3)], user=buyer)
    bank_order = place([(tea, 1)], payment_method=PaymentMethod.BANK_TRANSFER)
    # Back from Stripe, waiting for its webhook.
    card_order = place([(orange, 2)], payment_method=PaymentMethod.CARD)

    news = news_post(
        pages.news,
        "Mùa chè mới ở Thanh Chương",
        slug="mua-che-moi",
        intro="Các hợp tác xã bắt đầu hái vụ đông.",
        body=[("paragraph", "<p>Giá chè năm nay ổn định.</p>")],
        tags=["chè"],
    )
    fair = event(
        pages.events,
        "Hội chợ nông sản huyện",
        day=10,
        slug="hoi-cho",
        body=[("paragraph", "<p>Gian hàng của mười hợp tác xã.</p>")],
    )
    orange_week = campaign(
        pages.campaigns,
        "Tuần lễ cam Vinh",
        start=-1,
        end=6,
        slug="tuan-le-cam",
        intro="<p>Cam tươi từ vườn Quỳ Hợp.</p>",
    )
    english_home = pages.home.copy_for_translation(
        Locale.objects.get(language_code="en")
    )
    english_home.title = "Nghe An Farm Market"
    english_home.heading = "Fresh farm produce"
    english_home.save_revision().publish()
    return SimpleNamespace(
        pages=pages,
        tea=tea,
        orange=orange,
        tea_coop=tea_coop,
        lot=lot,
        recalled=recalled,
        buyer=buyer,
        cash_order=cash_order,
        bank_order=bank_order,
        card_order=card_order,
        news=news,
        event=fair,
        campaign=orange_week,
    )


# Steps in the browser


def go(page, url):
    response = page.goto(url)
    page.wait_for_load_state()
    return response


def submit_unchecked(page, form, button=None):
    """Submit `form` as a browser without built-in validation would: the
    server's error messages are what the test looks at."""
    page.locator(form).evaluate("form => { form.noValidate = true; }")
    (button or page.locator(form).locator("button[type=submit]").last).click()
    page.wait_for_load_state()


def signup_with_errors(page, url, site=None):
    """The sign-up form refused: a bad email and passwords that differ."""
    go(page, url + "/tai-khoan/dang-ky/")
    page.fill("#id_email", "lan@")
    page.fill("#id_password1", "123")
    page.fill("#id_password2", "456")
    submit_unchecked(page, "main form")


def sign_in(page, url):
    go(page, url + "/tai-khoan/dang-nhap/")
    page.fill("#id_username", BUYER_EMAIL)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def checkout_with_items(page, url, site, prefix=""):
    add_to_cart(page, url, site.tea, 2)
    add_to_cart(page, url, site.orange, 3)
    go(page, url + prefix + "/thanh-toan/")
