"""A small district shop for the phone tests: every public page type, with photos.

Used by test_page_weight, test_no_js, test_narrow and test_csp.
"""

from types import SimpleNamespace

from market.models import ProductImage
from tests.cms.site_pages import campaign, district_site, event, news_post
from tests.market.factories import CategoryFactory, ProductFactory
from tests.producers.factories import (
    CertificationFactory,
    CooperativeFactory,
    make_image,
)
from tests.producers.lot_histories import certify, record_full_history, tea_lot

# More products than fit on a 360 x 740 screen, so some photos are below the fold.
PRODUCT_COUNT = 24


def build_phone_shop() -> SimpleNamespace:
    """A home page with its lists, two cooperatives' products with photos, a lot."""
    hero = make_image(title="Đồi chè", colour="#3f6f2a", size=(1600, 700))
    site = district_site(hero_image=hero)
    campaign_page = campaign(
        site.campaigns,
        "Mùa cam Vinh",
        start=-3,
        end=20,
        slug="mua-cam-vinh",
        hero_image=make_image(title="Vườn cam", colour="orange", size=(1600, 700)),
    )
    news_page = news_post(
        site.news,
        "Hợp tác xã chè vào mùa thu hoạch",
        day=-1,
        slug="mua-thu-hoach-che",
        intro="Chè búp Thanh Chương vào vụ.",
        body=[("paragraph", "<p>Các đồi chè đã sẵn sàng cho vụ thu hoạch.</p>")],
    )
    event_page = event(
        site.events,
        "Phiên chợ nông sản cuối tuần",
        day=5,
        slug="phien-cho-cuoi-tuan",
    )

    tea_coop = CooperativeFactory(
        name="Hợp tác xã Nông nghiệp Dịch vụ Chè Thanh Chương",
        slug="htx-che-thanh-chuong",
        story="<p>Đồi chè xanh bên dòng sông Lam.</p>",
        is_verified=True,
    )
    CertificationFactory(cooperative=tea_coop)
    honey_coop = CooperativeFactory(
        name="HTX Mật ong Con Cuông", slug="htx-mat-ong", is_verified=True
    )
    tea = CategoryFactory(name="Chè", slug="che")
    honey = CategoryFactory(name="Mật ong", slug="mat-ong")
    products = []
    for i in range(PRODUCT_COUNT):
        is_honey = i % 3 == 0
        product = ProductFactory(
            cooperative=honey_coop if is_honey else tea_coop,
            category=honey if is_honey else tea,
            name=(
                f"Mật ong rừng Con Cuông loại {i}"
                if is_honey
                else f"Chè búp khô Thanh Chương đặc biệt loại {i}"
            ),
            slug=f"mat-ong-{i}" if is_honey else f"che-bup-kho-{i}",
            price=185000 + i * 1000,
            stock=50,
        )
        photo = make_image(
            title=product.name,
            colour="#b8860b" if is_honey else "#6b8e23",
            size=(800, 600),
        )
        ProductImage.objects.create(product=product, image=photo, sort_order=0)
        products.append(product)
    for n, colour in enumerate(("#556b2f", "#8fbc8f")):
        ProductImage.objects.create(
            product=products[1],
            image=make_image(title=f"Ảnh {n}", colour=colour, size=(1200, 900)),
            sort_order=n + 1,
        )

    lot = tea_lot(code="CHE-2025-11-A", cooperative=tea_coop)
    certify(lot)
    record_full_history(lot)
    products[1].lots.add(lot)
    products[1].save()  # a parental many-to-many is written on save

    return SimpleNamespace(
        site=site,
        campaign=campaign_page,
        news_page=news_page,
        event_page=event_page,
        tea_coop=tea_coop,
        honey_coop=honey_coop,
        products=products,
        product=products[1],
        honey=products[0],
        lot=lot,
    )
