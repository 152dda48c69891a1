"""The district's pages in the demo: campaigns, news, events, standard pages, contact.

Built after the home page (`loader._home_page`), idempotently like the rest of the
demo: every page is found by its slug under its parent and gets a new revision only
when its content changed. StreamField blocks carry fixed ids, so the same content
serialises to the same JSON on every run. Dates that follow today (campaigns,
events, news) are set when a page is made and moved only when the page no longer
fits its role (a "current" campaign that has ended, a "coming" event that took
place), so a re-run the next day writes nothing either.

`--small` builds a slice (home blocks, one campaign, two news posts, one event, one
standard page, contact) for the test suite, with one drawn picture (the campaign's
banner: every picture costs renditions when a test renders the page); English
translations come with the full demo only.
"""

import datetime
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from wagtail.fields import StreamField
from wagtail.models import Locale, Page, Site

from cms import roles as cms_roles
from cms.models import (
    CampaignIndexPage,
    CampaignPage,
    ContactFormField,
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
from market.models import Category
from producers.models import Cooperative, Lot

from . import images
from . import loader as demo_loader

ID_NAMESPACE = uuid.UUID("6d0f3c1e-3f5e-4c55-9a55-2f1b8a0c2026")
TEA = "htx-che-thanh-chuong"
ORANGE = "htx-cam-vinh-quy-hop"
HONEY = "htx-mat-ong-con-cuong"
FISH_SAUCE = "htx-nuoc-mam-quynh-luu"
DISTRICT_EMAIL = "chonongsan@example.vn"
DISTRICT_PHONE = "0238 3842 123"
DISTRICT_EDITOR = ("bientap", "bientap-demo-2026")
DISTRICT_APPROVER = ("pheduyet", "pheduyet-demo-2026")


@dataclass
class Context:
    admin: object
    summary: object
    small: bool
    today: datetime.date

    def revision(self, page: Page) -> None:
        page.save_revision(user=self.admin, log_action=True).publish(user=self.admin)
        self.summary.revisions_created += 1
        page.refresh_from_db()  # publishing wrote live, URLs and dates to the row


def load_pages(home: HomePage, admin, summary, *, small: bool = False) -> dict:
    """Build the district's pages under `home`; returns the pages by key."""
    ctx = Context(admin, summary, small, timezone.localdate())
    built: dict[str, Page] = {}
    built.update(_campaigns(home, ctx))
    built.update(_news(home, ctx))
    built.update(_events(home, ctx))
    built.update(_standard_pages(home, ctx))
    built["contact"] = _contact_page(home, ctx)
    _home_body(home, ctx, built)
    _site_settings(home, built)
    if not small:
        load_translations(home, built, ctx)
    return built


def editorial_accounts() -> list:
    """The district's page editor and approver (cms.roles), as demo logins."""
    logins = []
    for (username, password), first_name, make, role in (
        (
            DISTRICT_EDITOR,
            "Biên tập viên huyện",
            cms_roles.make_district_editor,
            "biên tập trang của huyện (gửi duyệt)",
        ),
        (
            DISTRICT_APPROVER,
            "Phê duyệt viên huyện",
            cms_roles.make_district_approver,
            "phê duyệt và đăng trang của huyện",
        ),
    ):
        user = demo_loader._user(username, password, first_name=first_name)
        make(user)
        logins.append(demo_loader.Login(username, password, role))
    return logins


# --- Blocks ------------------------------------------------------------------


def _uid(*parts) -> str:
    return str(uuid.uuid5(ID_NAMESPACE, "/".join(str(p) for p in parts)))


def stream(key: str, blocks: list[tuple[str, object]]) -> list[dict]:
    """Raw StreamField data with ids fixed by `key` and position."""
    return [
        {"type": kind, "value": value, "id": _uid(key, i)}
        for i, (kind, value) in enumerate(blocks)
    ]


def items(key: str, values: list) -> list[dict]:
    """A ListBlock's raw value, its items' ids fixed by `key` and position."""
    return [
        {"type": "item", "value": value, "id": _uid(key, "item", i)}
        for i, value in enumerate(values)
    ]


def key_figures(key: str, title: str, figures: list[tuple[str, str]]):
    return (
        "key_figures",
        {
            "title": title,
            "figures": items(key, [{"figure": f, "label": lb} for f, lb in figures]),
        },
    )


def product_grid(
    title: str,
    *,
    category: Category | None = None,
    cooperative: Cooperative | None = None,
    in_season: bool = False,
    sort: str = "newest",
    count: int = 8,
):
    """A live query: published, in-stock products matching the filters."""
    return (
        "product_grid",
        {
            "title": title,
            "products": [],
            "category": category.pk if category else None,
            "cooperative": cooperative.pk if cooperative else None,
            "commune": "",
            "certification": "",
            "ocop_stars": "",
            "in_season": in_season,
            "in_stock": True,
            "sort": sort,
            "count": count,
        },
    )


def faq(key: str, title: str, pairs: list[tuple[str, str]]):
    return (
        "faq",
        {
            "title": title,
            "items": items(key, [{"question": q, "answer": a} for q, a in pairs]),
        },
    )


def call_to_action(title: str, text: str, label: str, page=None, url: str = ""):
    return (
        "call_to_action",
        {
            "title": title,
            "text": text,
            "button_label": label,
            "page": page.pk if page else None,
            "url": url,
        },
    )


def paragraph(html: str):
    return ("paragraph", html)


def heading(text: str, level: str = "h2"):
    return ("heading", {"text": text, "level": level})


def quote(text: str, attribution: str):
    return ("quote", {"text": text, "attribution": attribution})


def image_block(image, caption: str):
    return ("image", {"image": image.pk, "caption": caption})


def _body_block():
    return HomePage._meta.get_field("body").stream_block


def _normal_stream(raw) -> str:
    """Stream data as stored: through the block definitions, as sorted JSON."""
    block = _body_block()
    return json.dumps(
        block.get_prep_value(block.to_python(list(raw))),
        cls=DjangoJSONEncoder,
        sort_keys=True,
    )


# --- Pages -------------------------------------------------------------------


def _differs(page: Page, name: str, value) -> bool:
    field = page._meta.get_field(name)
    if isinstance(field, StreamField):
        return _normal_stream(getattr(page, name).raw_data) != _normal_stream(value)
    if isinstance(field, models.ForeignKey):
        pk = value.pk if isinstance(value, models.Model) else value
        return getattr(page, field.attname) != pk
    return getattr(page, name) != value


def upsert_page(
    parent: Page,
    page_class: type[Page],
    slug: str,
    values: dict,
    ctx: Context,
    *,
    initial: dict | None = None,
    keep_initial: Callable[[Page], bool] | None = None,
    tags: list[str] | None = None,
    form_fields: list[dict] | None = None,
) -> Page:
    """The live `page_class` page `slug` under `parent`, with `values` published.

    `initial` values (dates that follow today) are written when the page is made,
    or when `keep_initial(page)` says the stored ones no longer fit.
    """
    page = page_class.objects.child_of(parent).filter(slug=slug).first()
    creating = page is None
    if creating:
        page = page_class(slug=slug)
    values = dict(values)
    if initial and (creating or (keep_initial and not keep_initial(page))):
        values.update(initial)
    changed = creating or any(_differs(page, k, v) for k, v in values.items())
    for name, value in values.items():
        setattr(page, name, value)
    if tags is not None and (
        creating or sorted(t.name for t in page.tags.all()) != sorted(tags)
    ):
        page.tags.set(tags)
        changed = True
    if form_fields is not None:
        wanted = [
            (f["label"], f["field_type"], f["required"], f.get("help_text", ""))
            for f in form_fields
        ]
        current = [
            (f.label, f.field_type, f.required, f.help_text)
            for f in page.form_fields.all()
        ]
        if creating or current != wanted:
            page.form_fields = [
                ContactFormField(sort_order=i, **field)
                for i, field in enumerate(form_fields)
            ]
            changed = True
    if creating:
        parent.add_child(instance=page)
    if changed or not page.live:
        ctx.revision(page)
    return page


def _picture(key: str) -> object:
    """A banner drawn for the district's pages, kept in the district's collection
    (the one district editors may choose images from)."""
    title, alt, draw, filename = BANNERS[key]
    return demo_loader._image(
        title, cms_roles.district_collection(), alt, draw, filename
    )


BANNERS: dict[str, tuple[str, str, Callable[[], bytes], str]] = {
    "campaign-orange": (
        "Vườn cam Quỳ Hợp – ảnh bìa chiến dịch",
        "Vườn cam Vinh trĩu quả trên đồi Quỳ Hợp",
        lambda: images.landscape_picture(
            "orchard", "mua-cam-vinh", size=(1600, 600), sky=2
        ),
        "chien-dich-cam-vinh.jpg",
    ),
    "campaign-tea": (
        "Đồi chè Thanh Chương – ảnh bìa chiến dịch",
        "Đồi chè xanh Thanh Chương dưới nắng sớm",
        lambda: images.landscape_picture(
            "tea_hills", "che-xanh-thanh-chuong", size=(1600, 600), sky=1
        ),
        "chien-dich-che-xanh.jpg",
    ),
    "news-ocop": (
        "Hộp quà chè búp khô OCOP",
        "Hộp quà chè búp khô Thanh Chương đạt OCOP 4 sao",
        lambda: images.closeup_picture("box", (46, 125, 50), "tin-ocop"),
        "tin-che-ocop.jpg",
    ),
    "news-honey-qr": (
        "Mật ong hoa rừng Con Cuông có mã QR",
        "Lọ mật ong hoa rừng Con Cuông dán tem truy xuất",
        lambda: images.closeup_picture("jar", (222, 150, 20), "tin-mat-ong-qr"),
        "tin-mat-ong-qr.jpg",
    ),
    "news-orange": (
        "Thu hoạch cam Vinh ở Quỳ Hợp",
        "Những cây cam Vinh chín vàng ở Quỳ Hợp",
        lambda: images.closeup_picture("orange", (245, 124, 0), "tin-cam-vinh"),
        "tin-cam-vinh.jpg",
    ),
    "news-fair": (
        "Gian hàng nông sản Nghệ An tại hội chợ",
        "Kệ hàng mật ong, chè và nước mắm của các hợp tác xã Nghệ An",
        lambda: images.shelf_picture("jar", "tin-hoi-cho"),
        "tin-hoi-cho.jpg",
    ),
    "news-training": (
        "Tập huấn nhật ký điện tử trên đồng ruộng",
        "Cánh đồng lúa Yên Thành nơi xã viên ghi nhật ký canh tác",
        lambda: images.landscape_picture("rice_field", "tin-tap-huan", sky=1),
        "tin-tap-huan.jpg",
    ),
    "news-fish-sauce": (
        "Nước mắm Quỳnh Lưu đóng chai",
        "Chai nước mắm cá cơm Quỳnh Lưu xếp trên kệ",
        lambda: images.shelf_picture("bottle", "tin-nuoc-mam"),
        "tin-nuoc-mam.jpg",
    ),
    "event-fair": (
        "Hội chợ Nông sản và sản phẩm OCOP Nghệ An",
        "Gian hàng sản phẩm OCOP tại hội chợ ở Vinh",
        lambda: images.shelf_picture("box", "su-kien-hoi-cho"),
        "su-kien-hoi-cho.jpg",
    ),
    "event-orange": (
        "Ngày hội cam Vinh Quỳ Hợp",
        "Cam Vinh vừa hái bày bán tại ngày hội",
        lambda: images.closeup_picture("orange", (239, 108, 0), "su-kien-cam"),
        "su-kien-ngay-hoi-cam.jpg",
    ),
    "event-tea": (
        "Ngày hội chè xanh Thanh Chương",
        "Đồi chè Thanh Chương, nơi diễn ra ngày hội hái chè",
        lambda: images.landscape_picture("tea_hills", "su-kien-che", sky=0),
        "su-kien-ngay-hoi-che.jpg",
    ),
}


# --- Campaigns ---------------------------------------------------------------


def _phase_keeper(phase: str) -> Callable[[Page], bool]:
    return lambda page: page.phase == phase


def _campaigns(home: HomePage, ctx: Context) -> dict[str, Page]:
    index = upsert_page(
        home,
        CampaignIndexPage,
        "chien-dich",
        {
            "title": "Chiến dịch",
            "seo_title": "Chiến dịch quảng bá nông sản Nghệ An",
            "search_description": (
                "Các mùa nông sản huyện đang quảng bá: cam Vinh, chè xanh Thanh "
                "Chương và đặc sản theo mùa."
            ),
            "show_in_menus": True,
            "intro": (
                "<p>Mỗi mùa thu hoạch, huyện cùng các hợp tác xã mở một chiến dịch: "
                "sản phẩm đang vào mùa, câu chuyện người trồng và lô hàng truy xuất "
                "được nguồn gốc.</p>"
            ),
        },
        ctx,
    )
    pages = {"campaign_index": index}
    cooperatives = {
        c.slug: c for c in Cooperative.objects.filter(slug__in=[TEA, ORANGE])
    }
    if not ctx.small and ORANGE in cooperatives:
        pages["campaign_orange"] = _orange_campaign(index, ctx, cooperatives[ORANGE])
    if TEA in cooperatives:
        pages["campaign_tea"] = _tea_campaign(index, ctx, cooperatives[TEA])
    return pages


def _orange_campaign(index: Page, ctx: Context, orange: Cooperative) -> Page:
    slug = "mua-cam-vinh-2026"
    body = [
        paragraph(
            "<p>Cam Vinh trồng trên đất đỏ bazan của Quỳ Hợp và Nghĩa Đàn: vỏ mỏng, "
            "múi mọng, <b>ngọt đậm và thơm</b>. Mùa cam chín từ tháng 10 đến tết "
            "Nguyên đán; cam hái buổi sáng được đóng thùng và gửi đi ngay trong "
            "ngày.</p>"
        ),
        key_figures(
            f"{slug}/so-lieu",
            "Mùa cam năm nay",
            [
                ("1.200 ha", "vườn cam Vinh ở Quỳ Hợp và Nghĩa Đàn"),
                ("54", "hộ thành viên hợp tác xã"),
                ("4 ★", "OCOP cho cam Vinh loại 1"),
            ],
        ),
        product_grid(
            "Cam Vinh đang bán",
            category=Category.objects.get(slug="cam"),
            sort="price",
        ),
        quote(
            "Cam hái sáng nay, chiều đã lên xe ra Hà Nội. Người mua quét mã trên "
            "thùng là biết cam từ vườn nhà ai.",
            "Anh Lô Văn Thanh, HTX Cam Vinh Quỳ Hợp",
        ),
        (
            "cooperative_spotlight",
            {"cooperative": orange.pk, "text": "", "product_count": 0},
        ),
        call_to_action(
            "Đặt cam cho cả gia đình",
            "Thùng quà 5 kg giao tận nhà, thanh toán khi nhận hàng.",
            "Xem các loại cam",
            url="/san-pham/?category=cam",
        ),
    ]
    return upsert_page(
        index,
        CampaignPage,
        slug,
        {
            "title": "Mùa cam Vinh 2026",
            "seo_title": "Mùa cam Vinh 2026 – cam Quỳ Hợp từ hợp tác xã",
            "search_description": (
                "Cam Vinh Quỳ Hợp vào mùa: mua trực tiếp từ hợp tác xã, mỗi thùng có "
                "mã truy xuất nguồn gốc."
            ),
            "hero_image": _picture("campaign-orange"),
            "intro": (
                "<p>Cam Vinh đã vào mùa. Mua thẳng từ vườn của <b>HTX Cam Vinh Quỳ "
                "Hợp</b>, giá hợp tác xã, giao tận nhà.</p>"
            ),
            "body": stream(slug, body),
        },
        ctx,
        initial={
            "start_date": ctx.today - datetime.timedelta(days=25),
            "end_date": ctx.today + datetime.timedelta(days=50),
        },
        keep_initial=_phase_keeper("current"),
    )


def _tea_lot(tea: Cooperative) -> Lot | None:
    lots = Lot.objects.filter(cooperative=tea, status=Lot.Status.ACTIVE)
    return (
        lots.filter(product_name__icontains="búp khô").order_by("code").first()
        or lots.order_by("code").first()
    )


def _tea_campaign(index: Page, ctx: Context, tea: Cooperative) -> Page:
    slug = "che-xanh-thanh-chuong"
    body = [
        paragraph(
            "<p>Thanh Chương có hơn <b>4.500 ha chè</b>, phần lớn trên đồi đất đỏ "
            "dọc sông Lam. Chè được hái một tôm hai lá, sao chảo gang trong ngày, "
            "nước xanh, vị chát dịu và hậu ngọt.</p>"
        ),
        product_grid("Chè của HTX Chè Thanh Chương", cooperative=tea),
        (
            "cooperative_spotlight",
            {
                "cooperative": tea.pk,
                "text": (
                    "86 hộ ở Hạnh Lâm góp vốn lập hợp tác xã năm 2009 để có chung lò "
                    "sao, chung thương hiệu và bán thẳng cho người mua."
                ),
                "product_count": 0,
            },
        ),
    ]
    lot = _tea_lot(tea)
    if lot is not None:
        body.append(
            (
                "lot_highlight",
                {
                    "lot": lot.pk,
                    "text": (
                        "Quét mã để xem đồi chè nơi lô này được hái, ngày sao và kết "
                        "quả kiểm tra."
                    ),
                },
            )
        )
    body.append(
        faq(
            f"{slug}/hoi-dap",
            "Hỏi đáp về chè Thanh Chương",
            [
                (
                    "Chè xanh tươi giữ được bao lâu?",
                    "<p>Để ngăn mát tủ lạnh, chè tươi dùng ngon trong 3–4 ngày. Chè "
                    "búp khô đóng túi kín giữ được 12 tháng.</p>",
                ),
                (
                    "Pha chè búp khô thế nào cho ngon?",
                    "<p>Tráng ấm bằng nước sôi, cho 5–7 g chè, rót nước khoảng "
                    "85 °C, chờ 2–3 phút rồi rót ra chén.</p>",
                ),
                (
                    "Chè có dùng thuốc diệt cỏ không?",
                    "<p>Không. Vùng chè của hợp tác xã canh tác theo <b>VietGAP</b>, "
                    "làm cỏ bằng tay và ghi nhật ký từng lần bón phân.</p>",
                ),
            ],
        )
    )
    return upsert_page(
        index,
        CampaignPage,
        slug,
        {
            "title": "Chè xanh Thanh Chương",
            "seo_title": "Chè xanh Thanh Chương – chè đồi sao tay từ hợp tác xã",
            "search_description": (
                "Chè xanh tươi và chè búp khô Thanh Chương, OCOP 4 sao, bán thẳng từ "
                "HTX Chè Thanh Chương."
            ),
            "hero_image": _picture("campaign-tea"),
            "intro": (
                "<p>Vụ chè mới từ những đồi chè Hạnh Lâm, Cát Ngạn: chè búp khô "
                "<b>OCOP 4 sao</b>, chè xanh tươi hái trong ngày.</p>"
            ),
            "body": stream(slug, body),
        },
        ctx,
        initial={
            "start_date": ctx.today + datetime.timedelta(days=12),
            "end_date": ctx.today + datetime.timedelta(days=75),
        },
        keep_initial=_phase_keeper("upcoming"),
    )


# --- News --------------------------------------------------------------------


@dataclass(frozen=True)
class NewsData:
    slug: str
    title: str
    days_ago: int
    author: str
    intro: str
    paragraphs: tuple[str, ...]
    tags: tuple[str, ...]
    image: str
    cooperative: str | None = None
    in_small: bool = False
    quote: tuple[str, str] | None = None


NEWS = (
    NewsData(
        slug="che-bup-kho-thanh-chuong-dat-ocop-4-sao",
        title="Chè búp khô Thanh Chương được công nhận OCOP 4 sao",
        days_ago=6,
        author="Phòng Kinh tế",
        intro=(
            "Hội đồng đánh giá sản phẩm OCOP tỉnh Nghệ An công nhận chè búp khô của "
            "HTX Chè Thanh Chương đạt 4 sao, nâng tổng số sản phẩm OCOP của hợp tác "
            "xã lên hai."
        ),
        paragraphs=(
            "<p>Sau hai vòng chấm điểm, chè búp khô Thanh Chương đạt 78/100 điểm, "
            "được đánh giá cao ở tiêu chí <b>nguồn nguyên liệu</b> (vùng chè VietGAP "
            "40,5 ha) và <b>truy xuất nguồn gốc</b>: mỗi túi chè có mã QR dẫn tới "
            "đồi chè nơi búp được hái.</p>",
            "<p>Theo Giám đốc hợp tác xã, chứng nhận giúp sản phẩm vào được hệ thống "
            "siêu thị và các hội chợ xúc tiến thương mại. Hợp tác xã dự kiến nâng "
            "công suất lò sao thêm 30% trong năm tới.</p>",
        ),
        tags=("OCOP", "chè", "Thanh Chương"),
        image="news-ocop",
        cooperative=TEA,
        in_small=True,
        quote=(
            "Bốn sao OCOP là công của cả 86 hộ giữ đồi chè sạch suốt mười mấy năm.",
            "Bà Trần Thị Lan, HTX Chè Thanh Chương",
        ),
    ),
    NewsData(
        slug="mat-ong-con-cuong-co-ma-qr-truy-xuat",
        title="Mật ong hoa rừng Con Cuông: mỗi lọ đều có mã QR truy xuất",
        days_ago=13,
        author="Tổ chuyển đổi số",
        intro=(
            "Quét mã trên nắp lọ, người mua thấy đàn ong ở bản nào, ngày quay mật, "
            "kết quả đo độ ẩm và nhân viên hợp tác xã đã đóng lọ."
        ),
        paragraphs=(
            "<p>Từ vụ mật năm nay, HTX Mật ong Con Cuông ghi nhật ký từng lần quay "
            "mật trên điện thoại. Mỗi lô mật được gán một mã, in lên tem QR dán trên "
            "nắp lọ.</p>",
            "<p>Trang truy xuất cho thấy các bước từ tổ ong tới lọ mật: nơi đặt "
            "đàn ong ở rừng Pù Mát, ngày quay, kết quả kiểm tra độ ẩm và ngày "
            "đóng gói. Lô nào bị thu hồi, trang sẽ báo ngay cho người mua.</p>",
            '<p>Người mua có thể tra mã lô tại <a href="/truy-xuat/">trang truy '
            "xuất nguồn gốc</a> của chợ.</p>",
        ),
        tags=("truy xuất nguồn gốc", "mật ong", "chuyển đổi số"),
        image="news-honey-qr",
        cooperative=HONEY,
        in_small=True,
    ),
    NewsData(
        slug="cam-vinh-quy-hop-vao-vu-thu-hoach",
        title="Cam Vinh Quỳ Hợp vào vụ thu hoạch, sản lượng tăng",
        days_ago=20,
        author="Phòng Kinh tế",
        intro=(
            "Các vườn cam của HTX Cam Vinh Quỳ Hợp bắt đầu thu hoạch chính vụ; sản "
            "lượng ước tăng khoảng 15% so với năm trước nhờ thời tiết thuận lợi."
        ),
        paragraphs=(
            "<p>Năm nay hợp tác xã bán cam loại 1 với giá ổn định, đóng thùng 5 kg "
            "có mã truy xuất. Đơn hàng đặt trên chợ được giao trong 2–3 ngày tới Hà "
            "Nội và TP Hồ Chí Minh.</p>",
            "<p>Huyện phối hợp với hợp tác xã mở chiến dịch <b>Mùa cam Vinh "
            "2026</b> giới thiệu cam tới người mua cả nước.</p>",
        ),
        tags=("cam", "mùa vụ", "Quỳ Hợp"),
        image="news-orange",
        cooperative=ORANGE,
    ),
    NewsData(
        slug="nong-san-nghe-an-tai-hoi-cho-ocop-bac-trung-bo",
        title="Nông sản Nghệ An góp mặt tại Hội chợ OCOP khu vực Bắc Trung Bộ",
        days_ago=34,
        author="Trung tâm Xúc tiến thương mại",
        intro=(
            "Tám hợp tác xã của tỉnh mang chè, cam, mật ong, nước mắm và dược liệu "
            "tới hội chợ, ký được nhiều hợp đồng bao tiêu với nhà phân phối."
        ),
        paragraphs=(
            "<p>Trong năm ngày hội chợ, gian hàng Nghệ An đón hàng nghìn lượt khách. "
            "Sản phẩm bán chạy nhất là chè búp khô, mật ong hoa rừng và nước mắm cá "
            "cơm Quỳnh Lưu.</p>",
            "<p>Nhiều khách hàng quét mã QR trên sản phẩm ngay tại gian hàng để xem "
            "nguồn gốc, rồi đặt mua tiếp qua chợ trực tuyến sau hội chợ.</p>",
        ),
        tags=("hội chợ", "OCOP", "xúc tiến thương mại"),
        image="news-fair",
    ),
    NewsData(
        slug="tap-huan-nhat-ky-dien-tu-cho-xa-vien",
        title="Tập huấn ghi nhật ký canh tác điện tử cho xã viên hợp tác xã",
        days_ago=48,
        author="Tổ chuyển đổi số",
        intro=(
            "Hơn 60 xã viên của năm hợp tác xã được hướng dẫn ghi nhật ký bón phân, "
            "phun thuốc và thu hoạch trên điện thoại, làm nền cho tem truy xuất."
        ),
        paragraphs=(
            "<p>Buổi tập huấn hướng dẫn từng bước: chụp ảnh vườn, ghi ngày bón phân, "
            "loại phân, người làm; khi thu hoạch, hợp tác xã gom nhật ký thành một lô "
            "và in tem QR.</p>",
            "<p>Sau tập huấn, mỗi hợp tác xã có một cán bộ phụ trách dữ liệu, hỗ trợ "
            "xã viên lớn tuổi nhập nhật ký.</p>",
        ),
        tags=("chuyển đổi số", "truy xuất nguồn gốc", "tập huấn"),
        image="news-training",
    ),
    NewsData(
        slug="nuoc-mam-quynh-luu-ban-hang-truc-tuyen",
        title="Nước mắm Quỳnh Lưu: giữ nghề truyền thống, mở rộng bán trực tuyến",
        days_ago=61,
        author="Phòng Kinh tế",
        intro=(
            "Ủ chượp trong thùng gỗ từ 12 đến 18 tháng như cha ông, HTX Nước mắm "
            "Quỳnh Lưu nay bán tới người mua khắp cả nước qua chợ trực tuyến."
        ),
        paragraphs=(
            "<p>Cá cơm đánh bắt ở vùng biển Quỳnh Lưu được ướp muối ngay trên thuyền, "
            "ủ chượp trong thùng gỗ và lọc thủ công. Nước mắm nhĩ đạt độ đạm 50°N "
            "được công nhận OCOP 4 sao.</p>",
            "<p>Từ khi bán trên chợ, đơn hàng đến từ 30 tỉnh thành; hợp tác xã đóng "
            "chai nhựa an toàn cho vận chuyển xa.</p>",
        ),
        tags=("nước mắm", "OCOP", "thương mại điện tử"),
        image="news-fish-sauce",
        cooperative=FISH_SAUCE,
    ),
)


def _news(home: HomePage, ctx: Context) -> dict[str, Page]:
    index = upsert_page(
        home,
        NewsIndexPage,
        "tin-tuc",
        {
            "title": "Tin tức",
            "seo_title": "Tin tức nông sản và hợp tác xã Nghệ An",
            "search_description": (
                "Tin về hợp tác xã, sản phẩm OCOP, truy xuất nguồn gốc và hội chợ "
                "nông sản Nghệ An."
            ),
            "show_in_menus": True,
            "intro": (
                "<p>Tin về các hợp tác xã, sản phẩm OCOP, mùa vụ và hội chợ của "
                "huyện.</p>"
            ),
        },
        ctx,
    )
    pages = {"news_index": index}
    existing = set(Cooperative.objects.values_list("slug", flat=True))
    for item in NEWS:
        if ctx.small and not item.in_small:
            continue
        if item.cooperative and item.cooperative not in existing:
            continue
        body = [paragraph(p) for p in item.paragraphs]
        if item.quote:
            body.insert(1, quote(*item.quote))
        if item.cooperative:
            body.append(
                (
                    "cooperative_spotlight",
                    {
                        "cooperative": Cooperative.objects.get(
                            slug=item.cooperative
                        ).pk,
                        "text": "",
                        "product_count": 3,
                    },
                )
            )
        pages[f"news/{item.slug}"] = upsert_page(
            index,
            NewsPage,
            item.slug,
            {
                "title": item.title,
                "search_description": item.intro[:300],
                "author": item.author,
                "lead_image": None if ctx.small else _picture(item.image),
                "intro": item.intro,
                "body": stream(item.slug, body),
            },
            ctx,
            initial={"date": ctx.today - datetime.timedelta(days=item.days_ago)},
            tags=list(item.tags),
        )
    return pages


# --- Events ------------------------------------------------------------------


@dataclass(frozen=True)
class EventData:
    slug: str
    title: str
    days_from_today: int
    hours: tuple[tuple[int, int], tuple[int, int]]  # (start h, m), (end h, m)
    days_long: int
    venue: str
    address: str
    latitude: str
    longitude: str
    organiser: str
    intro: str
    paragraphs: tuple[str, ...]
    image: str
    in_small: bool = False


EVENTS = (
    EventData(
        slug="hoi-cho-nong-san-ocop-nghe-an",
        title="Hội chợ Nông sản và sản phẩm OCOP Nghệ An",
        days_from_today=-40,
        hours=((8, 0), (21, 0)),
        days_long=4,
        venue="Quảng trường Hồ Chí Minh",
        address="Đại lộ Lê Nin, phường Thành Vinh, Nghệ An",
        latitude="18.674500",
        longitude="105.692000",
        organiser="Trung tâm Xúc tiến thương mại Nghệ An",
        intro=(
            "Hơn 200 gian hàng của hợp tác xã và doanh nghiệp nông nghiệp, trưng bày "
            "sản phẩm OCOP và kết nối với nhà phân phối."
        ),
        paragraphs=(
            "<p>Hội chợ có khu trưng bày sản phẩm OCOP, khu ẩm thực đặc sản miền "
            "Tây Nghệ An và hội thảo kết nối cung cầu giữa hợp tác xã và siêu thị.</p>",
        ),
        image="event-fair",
    ),
    EventData(
        slug="ngay-hoi-cam-vinh-quy-hop",
        title="Ngày hội Cam Vinh Quỳ Hợp",
        days_from_today=9,
        hours=((7, 30), (17, 0)),
        days_long=1,
        venue="Vườn cam HTX Cam Vinh Quỳ Hợp",
        address="Bản Tổng Chài, xã Quỳ Hợp, Nghệ An",
        latitude="19.323500",
        longitude="105.181700",
        organiser="HTX Cam Vinh Quỳ Hợp",
        intro=(
            "Tham quan vườn cam, tự tay hái cam, thi bóc cam nhanh và mua cam tại "
            "vườn với giá hợp tác xã."
        ),
        paragraphs=(
            "<p>Khách đi theo đoàn xin báo trước để hợp tác xã bố trí người hướng "
            "dẫn. Cam mua tại vườn được đóng thùng và gửi xe về tận nhà.</p>",
        ),
        image="event-orange",
        in_small=False,
    ),
    EventData(
        slug="ngay-hoi-che-xanh-thanh-chuong",
        title="Ngày hội hái chè Thanh Chương",
        days_from_today=23,
        hours=((7, 0), (16, 30)),
        days_long=2,
        venue="Đồi chè Hạnh Lâm",
        address="Xóm 4, xã Hạnh Lâm, Nghệ An",
        latitude="18.783400",
        longitude="105.270100",
        organiser="HTX Chè Thanh Chương",
        intro=(
            "Hái chè một tôm hai lá cùng xã viên, xem sao chè trên chảo gang và "
            "thưởng thức chè xanh bên đồi."
        ),
        paragraphs=(
            "<p>Chương trình gồm hái chè buổi sáng, thi sao chè thủ công buổi chiều "
            "và chợ phiên nông sản của các hợp tác xã trong vùng.</p>",
        ),
        image="event-tea",
        in_small=True,
    ),
)


def _event_keeper(past: bool) -> Callable[[Page], bool]:
    return lambda page: page.is_past == past


def _events(home: HomePage, ctx: Context) -> dict[str, Page]:
    index = upsert_page(
        home,
        EventIndexPage,
        "su-kien",
        {
            "title": "Sự kiện",
            "seo_title": "Sự kiện, hội chợ nông sản Nghệ An",
            "search_description": (
                "Hội chợ, ngày hội mùa vụ và tập huấn của các hợp tác xã Nghệ An."
            ),
            "show_in_menus": True,
            "intro": (
                "<p>Hội chợ, ngày hội mùa vụ và buổi tập huấn: gặp trực tiếp người "
                "làm ra nông sản.</p>"
            ),
        },
        ctx,
    )
    pages = {"event_index": index}
    zone = timezone.get_current_timezone()
    for item in EVENTS:
        if ctx.small and not item.in_small:
            continue
        day = ctx.today + datetime.timedelta(days=item.days_from_today)
        (start_h, start_m), (end_h, end_m) = item.hours
        start = datetime.datetime.combine(
            day, datetime.time(start_h, start_m), tzinfo=zone
        )
        end = datetime.datetime.combine(
            day + datetime.timedelta(days=item.days_long - 1),
            datetime.time(end_h, end_m),
            tzinfo=zone,
        )
        pages[f"event/{item.slug}"] = upsert_page(
            index,
            EventPage,
            item.slug,
            {
                "title": item.title,
                "search_description": item.intro[:300],
                "venue": item.venue,
                "address": item.address,
                "latitude": Decimal(item.latitude),
                "longitude": Decimal(item.longitude),
                "organiser": item.organiser,
                "lead_image": None if ctx.small else _picture(item.image),
                "intro": item.intro,
                "body": stream(item.slug, [paragraph(p) for p in item.paragraphs]),
            },
            ctx,
            initial={"start": start, "end": end},
            keep_initial=_event_keeper(item.days_from_today < 0),
        )
    return pages


# --- Standard pages and contact ----------------------------------------------


def _standard_pages(home: HomePage, ctx: Context) -> dict[str, Page]:
    pages = {}
    # Pictures cost renditions on every render: the small slice keeps one (the
    # campaign's banner) for the test suite.
    hero = None if ctx.small else home.hero_image
    about_body = [
        paragraph(
            "<p><b>Chợ Nông Sản Nghệ An</b> là nơi các hợp tác xã trong tỉnh bán "
            "thẳng sản phẩm của mình tới người mua, không qua trung gian. Trang do "
            "Phòng Kinh tế cùng các hợp tác xã vận hành.</p>"
        ),
        key_figures(
            "gioi-thieu/so-lieu",
            "",
            [
                ("8", "hợp tác xã từ miền núi tới vùng biển"),
                ("40+", "sản phẩm, nhiều sản phẩm đạt OCOP"),
                ("100%", "lô hàng có mã QR truy xuất"),
            ],
        ),
        heading("Chúng tôi cam kết"),
        paragraph(
            "<ul><li>Hợp tác xã được huyện xác minh giấy phép và vùng trồng.</li>"
            "<li>Mỗi lô hàng ghi rõ nơi trồng, ngày thu hoạch và kết quả kiểm "
            "tra.</li><li>Giá do hợp tác xã đặt, tiền về thẳng tài khoản hợp tác "
            "xã.</li></ul>"
        ),
    ]
    if hero is not None:
        about_body.insert(1, image_block(hero, "Đồi chè Thanh Chương lúc bình minh"))
    specs = [
        (
            "gioi-thieu",
            "Giới thiệu",
            "<p>Nông sản sạch từ các hợp tác xã Nghệ An, có nguồn gốc rõ ràng.</p>",
            about_body,
            True,
        ),
        (
            "cach-mua-hang",
            "Cách mua hàng",
            "<p>Ba bước để nhận nông sản tận nhà.</p>",
            [
                heading("1. Chọn sản phẩm"),
                paragraph(
                    '<p>Xem <a href="/san-pham/">sản phẩm</a> theo danh mục, hợp tác '
                    "xã hoặc mùa vụ và thêm vào giỏ. Một giỏ có thể gồm hàng của "
                    "nhiều hợp tác xã.</p>"
                ),
                heading("2. Đặt hàng"),
                paragraph(
                    "<p>Nhập tên, số điện thoại, địa chỉ nhận hàng và chọn cách thanh "
                    "toán: tiền mặt khi nhận, chuyển khoản (mã VietQR) hoặc thẻ.</p>"
                ),
                heading("3. Nhận hàng"),
                paragraph(
                    "<p>Mỗi hợp tác xã đóng gói và gửi phần hàng của mình. Theo dõi "
                    'đơn tại <a href="/tra-cuu-don-hang/">tra cứu đơn hàng</a> với '
                    "mã đơn và số điện thoại.</p>"
                ),
            ],
            False,
        ),
        (
            "chinh-sach-doi-tra",
            "Chính sách đổi trả",
            "<p>Nông sản tươi, nên chúng tôi xử lý đổi trả nhanh và rõ ràng.</p>",
            [
                paragraph(
                    "<p>Hàng dập, hỏng hoặc sai sản phẩm: chụp ảnh trong vòng <b>24 "
                    "giờ</b> kể từ khi nhận và gửi qua trang liên hệ kèm mã đơn. Hợp "
                    "tác xã gửi bù hàng hoặc hoàn tiền trong 3 ngày làm việc.</p>"
                ),
                paragraph(
                    "<p>Sản phẩm khô, đóng gói (chè búp khô, mật ong, nước mắm) còn "
                    "nguyên tem được đổi trong 7 ngày. Phí gửi lại do hợp tác xã chịu "
                    "khi lỗi thuộc về hợp tác xã.</p>"
                ),
            ],
            False,
        ),
        (
            "hoi-dap",
            "Hỏi đáp",
            "<p>Những câu người mua hay hỏi.</p>",
            [
                faq(
                    "hoi-dap/cau-hoi",
                    "Câu hỏi thường gặp",
                    [
                        (
                            "Tôi có thể trả tiền khi nhận hàng không?",
                            "<p>Có. Mọi hợp tác xã đều nhận tiền mặt khi giao.</p>",
                        ),
                        (
                            "Đặt hàng của nhiều hợp tác xã thì giao thế nào?",
                            "<p>Mỗi hợp tác xã gửi phần hàng của mình; bạn theo dõi "
                            "từng phần trên trang đơn hàng.</p>",
                        ),
                        (
                            "Mã QR trên bao bì dùng để làm gì?",
                            "<p>Quét mã để xem lô hàng: nơi trồng, ngày thu hoạch, "
                            "các bước chế biến và kiểm tra.</p>",
                        ),
                        (
                            "Sản phẩm OCOP là gì?",
                            "<p>OCOP (Mỗi xã một sản phẩm) là chương trình đánh giá "
                            "sản phẩm đặc trưng của địa phương, xếp hạng từ 3 đến 5 "
                            "sao.</p>",
                        ),
                    ],
                )
            ],
            False,
        ),
    ]
    for slug, title, intro, body, in_small in specs:
        if ctx.small and not in_small:
            continue
        pages[f"standard/{slug}"] = upsert_page(
            home,
            StandardPage,
            slug,
            {
                "title": title,
                "show_in_menus": slug == "gioi-thieu",
                "intro": intro,
                "body": stream(slug, body),
            },
            ctx,
        )
    return pages


CONTACT_FIELDS = [
    {"label": "Họ và tên", "field_type": "singleline", "required": True},
    {"label": "Email", "field_type": "email", "required": True},
    {
        "label": "Số điện thoại",
        "field_type": "singleline",
        "required": False,
        "help_text": "Để cán bộ gọi lại khi cần.",
    },
    {"label": "Nội dung", "field_type": "multiline", "required": True},
]


def _contact_page(home: HomePage, ctx: Context) -> Page:
    return upsert_page(
        home,
        ContactPage,
        "lien-he",
        {
            "title": "Liên hệ",
            "intro": (
                "<p>Hỏi về đơn hàng, sản phẩm hay muốn hợp tác xã của bạn bán trên "
                "chợ? Gửi cho chúng tôi, cán bộ sẽ trả lời trong một ngày làm "
                "việc.</p>"
            ),
            "thank_you_text": (
                "<p>Cảm ơn bạn! Chúng tôi đã nhận được tin nhắn và sẽ trả lời sớm.</p>"
            ),
            "to_address": DISTRICT_EMAIL,
            "from_address": "no-reply@example.vn",
            "subject": "Liên hệ từ Chợ Nông Sản Nghệ An",
        },
        ctx,
        form_fields=CONTACT_FIELDS,
    )


# --- Home --------------------------------------------------------------------


def _home_body(home: HomePage, ctx: Context, built: dict[str, Page]) -> None:
    campaign = built.get("campaign_orange") or built.get("campaign_tea")
    cooperatives = Cooperative.objects.count()
    body = [
        key_figures(
            "trang-chu/so-lieu",
            "Nông sản Nghệ An trong số liệu",
            [
                ("4.500 ha", "đồi chè Thanh Chương"),
                (str(cooperatives), "hợp tác xã bán trên chợ"),
                ("100%", "lô hàng có mã QR truy xuất"),
            ],
        ),
        product_grid("Đặc sản đang vào mùa", in_season=True),
    ]
    if campaign is not None:
        body.append(
            call_to_action(
                campaign.title,
                "Chiến dịch của huyện: mua thẳng từ hợp tác xã, có mã truy xuất.",
                "Xem chiến dịch",
                page=campaign,
            )
        )
    body.append(("cooperative_map", {"title": "Hợp tác xã theo xã", "commune": ""}))
    values = {
        "hero_cta_label": "Mua nông sản",
        "hero_cta_url": "/san-pham/",
        "body": stream("trang-chu", body),
    }
    if any(_differs(home, k, v) for k, v in values.items()):
        for name, value in values.items():
            setattr(home, name, value)
        ctx.revision(home)


# --- Site settings -----------------------------------------------------------


def _links(model, setting, specs) -> bool:
    """Replace `setting`'s links with `specs` (label, page, url) if they differ."""
    manager = setting.menu_items if model is MenuItem else setting.links
    wanted = [(label, page.pk if page else None, url) for label, page, url in specs]
    current = [(i.label, i.link_page_id, i.link_url) for i in manager.all()]
    if current == wanted:
        return False
    objects = [
        model(sort_order=i, label=label, link_page=page, link_url=url)
        for i, (label, page, url) in enumerate(specs)
    ]
    if model is MenuItem:
        setting.menu_items = objects
    else:
        setting.links = objects
    return True


def _site_settings(home: HomePage, built: dict[str, Page]) -> None:
    site = Site.objects.get(root_page=home)
    menu = [
        ("Sản phẩm", None, "/san-pham/"),
        ("Hợp tác xã", None, "/hop-tac-xa/"),
        ("Chiến dịch", built["campaign_index"], ""),
        ("Tin tức", built["news_index"], ""),
        ("Sự kiện", built["event_index"], ""),
        ("Truy xuất", None, "/truy-xuat/"),
    ]
    navigation = NavigationSettings.for_site(site)
    if _links(MenuItem, navigation, menu):
        navigation.save()

    footer = FooterSettings.for_site(site)
    links = [
        (page.title, page, "")
        for key, page in built.items()
        if key.startswith("standard/")
    ]
    links.append(("Liên hệ", built["contact"], ""))
    links.append(("Tra cứu đơn hàng", None, "/tra-cuu-don-hang/"))
    values = {
        "text": (
            "Chợ Nông Sản Nghệ An – sàn bán hàng của các hợp tác xã, do Phòng Kinh tế "
            "huyện quản lý cùng các hợp tác xã. Địa chỉ: số 2 đường Trường Thi, "
            "Nghệ An."
        ),
        "contact_email": DISTRICT_EMAIL,
        "contact_phone": DISTRICT_PHONE,
    }
    changed = any(getattr(footer, k) != v for k, v in values.items())
    for name, value in values.items():
        setattr(footer, name, value)
    if _links(FooterLink, footer, links) or changed:
        footer.save()


# --- English -----------------------------------------------------------------


def english_locale() -> Locale | None:
    """The English locale, made if the site has English content; None otherwise."""
    languages = dict(getattr(settings, "WAGTAIL_CONTENT_LANGUAGES", []))
    if not getattr(settings, "WAGTAIL_I18N_ENABLED", False) or "en" not in languages:
        return None
    return Locale.objects.get_or_create(language_code="en")[0]


def translate(page: Page, locale: Locale, slug: str, values: dict, ctx: Context):
    """`page`'s translation into `locale` (copied the first time), with `values`."""
    translation = page.get_translation_or_none(locale)
    creating = translation is None
    if creating:
        translation = page.copy_for_translation(locale)
    values = {"slug": slug, **values}
    changed = creating or any(_differs(translation, k, v) for k, v in values.items())
    if changed or not translation.live:
        for name, value in values.items():
            setattr(translation, name, value)
        ctx.revision(translation)
    return translation


def load_translations(home: HomePage, built: dict[str, Page], ctx: Context) -> dict:
    """English translations of the home page and one campaign (the orange one in
    the full demo, the tea one in the small slice), with the campaign index."""
    locale = english_locale()
    if locale is None:
        return {}
    english = {"home": translate(home, locale, "home-en", _english_home(), ctx)}
    for key, content in (
        ("campaign_orange", _english_orange_campaign),
        ("campaign_tea", _english_tea_campaign),
    ):
        campaign = built.get(key)
        if campaign is None:
            continue
        english["campaign_index"] = translate(
            built["campaign_index"],
            locale,
            "campaigns",
            {
                "title": "Campaigns",
                "seo_title": "Campaigns for Nghệ An produce",
                "search_description": "The seasons the district is promoting.",
                "intro": (
                    "<p>Every harvest the district and its cooperatives run a "
                    "campaign: what is in season, the growers' stories and "
                    "traceable lots.</p>"
                ),
            },
            ctx,
        )
        slug, values = content(campaign)
        values |= {"start_date": campaign.start_date, "end_date": campaign.end_date}
        english["campaign"] = translate(campaign, locale, slug, values, ctx)
        break
    return english


def _english_home() -> dict:
    return {
        "title": "Nghệ An Farm Market",
        "seo_title": "Nghệ An Farm Market – produce from cooperatives",
        "search_description": (
            "Buy Thanh Chương green tea, Vinh oranges, Con Cuông forest honey and "
            "OCOP-rated products directly from Nghệ An's cooperatives."
        ),
        "heading": "Clean produce from Nghệ An's cooperatives",
        "intro": (
            "<p>Thanh Chương green tea, Vinh oranges, forest honey, Quỳnh Lưu fish "
            "sauce… bought <b>straight from the people who make them</b>, every lot "
            "traceable to its origin.</p>"
        ),
        "hero_cta_label": "Shop produce",
        "hero_cta_url": "/en/san-pham/",
        "body": stream(
            "home-en",
            [
                key_figures(
                    "home-en/figures",
                    "Nghệ An produce in figures",
                    [
                        ("4,500 ha", "of tea hills in Thanh Chương"),
                        (str(Cooperative.objects.count()), "cooperatives selling here"),
                        ("100%", "of lots with a traceability QR code"),
                    ],
                ),
                product_grid("In season now", in_season=True),
                (
                    "cooperative_map",
                    {"title": "Cooperatives by commune", "commune": ""},
                ),
            ],
        ),
    }


def _english_orange_campaign(campaign: CampaignPage) -> tuple[str, dict]:
    slug = "vinh-orange-season-2026"
    return slug, {
        "title": "Vinh orange season 2026",
        "seo_title": "Vinh orange season 2026 – oranges from the cooperative",
        "search_description": (
            "Vinh oranges from Quỳ Hợp are in season: buy directly from the "
            "cooperative, every box traceable."
        ),
        "intro": (
            "<p>Vinh oranges are in season. Buy straight from the orchards of the "
            "<b>Quỳ Hợp Vinh Orange Cooperative</b>, at the cooperative's price, "
            "delivered to your door.</p>"
        ),
        "body": stream(
            slug,
            [
                paragraph(
                    "<p>Vinh oranges grow on the red basalt soil of Quỳ Hợp and "
                    "Nghĩa Đàn: thin skin, juicy segments, <b>deeply sweet and "
                    "fragrant</b>. They ripen from October until the Lunar New Year; "
                    "oranges picked in the morning are boxed and shipped the same "
                    "day.</p>"
                ),
                key_figures(
                    f"{slug}/figures",
                    "This season",
                    [
                        ("1,200 ha", "of Vinh orange orchards"),
                        ("54", "member households"),
                        ("4 ★", "OCOP for grade 1 Vinh oranges"),
                    ],
                ),
                product_grid(
                    "Vinh oranges on sale",
                    category=Category.objects.get(slug="cam"),
                    sort="price",
                ),
                quote(
                    "Picked this morning, on the truck to Hà Nội this afternoon. Scan "
                    "the code on the box and you know whose orchard it came from.",
                    "Lô Văn Thanh, Quỳ Hợp Vinh Orange Cooperative",
                ),
            ],
        ),
    }


def _english_tea_campaign(campaign: CampaignPage) -> tuple[str, dict]:
    slug = "thanh-chuong-green-tea"
    tea = Cooperative.objects.get(slug=TEA)
    return slug, {
        "title": "Thanh Chương green tea",
        "seo_title": "Thanh Chương green tea – hand-roasted from the cooperative",
        "search_description": (
            "Fresh green tea and dried tea buds from Thanh Chương, OCOP 4 stars, "
            "sold directly by the Thanh Chương Tea Cooperative."
        ),
        "intro": (
            "<p>The new tea harvest from the hills of Hạnh Lâm and Cát Ngạn: "
            "<b>OCOP 4-star</b> dried tea buds and fresh green tea picked the same "
            "day.</p>"
        ),
        "body": stream(
            slug,
            [
                paragraph(
                    "<p>Thanh Chương has more than <b>4,500 ha of tea</b>, mostly on "
                    "red-soil hills along the Lam river. Two leaves and a bud are "
                    "picked by hand and roasted in cast-iron pans the same day.</p>"
                ),
                product_grid("Tea from the Thanh Chương cooperative", cooperative=tea),
            ],
        ),
    }
