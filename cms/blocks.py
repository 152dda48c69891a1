"""StreamField blocks the district's editors build pages from.

Each block has its own template under `cms/templates/blocks/`, an icon, a
description and a preview value, so the admin's block picker shows what it
makes. Product and cooperative blocks read the market's and producers' data
at render time, so a page stays current as cooperatives change their listings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import F, Prefetch, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images import get_image_model
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

from cms import page_cache
from market.catalogue import filter_products
from market.filters import Sort
from market.images import renditions_prefetch
from market.models import Product
from producers import places
from producers.models import Certification, Cooperative, CooperativePhoto, Lot
from producers.qr import qr_svg_bytes
from producers.text import fold

RICH_TEXT_FEATURES = ["h3", "bold", "italic", "link", "ol", "ul", "document-link"]

# Renditions the image and gallery templates ask for (blocks/image.html,
# blocks/gallery.html); loading them with the images keeps a page with many
# pictures to a fixed number of queries.
CONTENT_IMAGE = "format-{avif,webp,jpeg} width-{480,800,1200}"
GALLERY_THUMB = "format-{avif,webp,jpeg} fill-{320x240,640x480}"
GALLERY_LARGE = "max-1600x1600"
# The spotlight's cooperative photo (blocks/cooperative_spotlight.html).
SPOTLIGHT_PHOTO = "format-{avif,webp,jpeg} fill-{480x320,960x640}"
COOPERATIVE_LOGO = "fill-112x112"

# Product grid sorts as the editor picks them, and as the catalogue names them.
GRID_SORTS = {
    "newest": Sort.NEWEST,
    "price": Sort.PRICE_ASC,
    "-price": Sort.PRICE_DESC,
    "name": Sort.NAME,
}
GRID_MAX_COUNT = 24
SPOTLIGHT_MAX_PRODUCTS = 8
SPOTLIGHT_EXCERPT_WORDS = 40


def nghe_an_communes():
    """Communes of Nghệ An (province 40), where the district's cooperatives are."""
    return places.commune_choices(40)


def viewer_is_editor(context) -> bool:
    """Whether the page is seen by someone who can fix it (preview or admin user).

    Notes about a block that shows nothing (a cooperative deleted since the page
    was published...) are for them; visitors just see the block left out.
    """
    request = (context or {}).get("request")
    if request is None:
        return False
    if getattr(request, "is_preview", False):
        return True
    user = getattr(request, "user", None)
    return bool(
        user is not None
        and user.is_authenticated
        and user.has_perm("wagtailadmin.access_admin")
    )


class ReferenceCheckMixin:
    """Remembers which chosen objects no longer exist.

    A chooser gives None both for "nothing chosen" and for "chosen, since
    deleted"; a product grid must tell them apart, or a deleted category would
    silently widen the grid to every product. The names of the gone choices
    are kept on the value as `missing`.
    """

    def to_python(self, value):
        return self._note_missing(value, super().to_python(value))

    def bulk_to_python(self, values):
        structs = super().bulk_to_python(values)
        return [
            self._note_missing(raw, struct)
            for raw, struct in zip(values, structs, strict=True)
        ]

    def _note_missing(self, raw, struct):
        struct.missing = [
            name
            for name, child in self.child_blocks.items()
            if isinstance(child, blocks.ChooserBlock)
            and isinstance(raw, dict)
            and raw.get(name) not in (None, "")
            and struct.get(name) is None
        ]
        return struct


def missing_references(value) -> list[str]:
    return list(getattr(value, "missing", []))


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("tiêu đề"), max_length=200)
    level = blocks.ChoiceBlock(
        label=_("cấp"),
        choices=[("h2", _("Tiêu đề mục")), ("h3", _("Tiêu đề nhỏ"))],
        default="h2",
    )

    class Meta:
        icon = "title"
        label = _("Tiêu đề")
        template = "blocks/heading.html"
        description = _("Tiêu đề chia trang thành các mục.")
        preview_value = {"text": "Mùa cam Vinh 2026", "level": "h2"}


class ParagraphBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        super().__init__(features=RICH_TEXT_FEATURES, **kwargs)

    class Meta:
        icon = "pilcrow"
        label = _("Đoạn văn")
        template = "blocks/paragraph.html"
        description = _("Văn bản có định dạng: đậm, nghiêng, liên kết, danh sách.")
        preview_value = (
            "<p>Cam Vinh được trồng trên đất đỏ bazan của Quỳ Hợp và Nghĩa Đàn, "
            "vỏ mỏng, múi mọng và ngọt đậm.</p>"
        )


def _newest_images(limit: int):
    return list(get_image_model().objects.order_by("-created_at", "-pk")[:limit])


class ImageBlock(ReferenceCheckMixin, blocks.StructBlock):
    image = ImageChooserBlock(label=_("ảnh"))
    caption = blocks.CharBlock(label=_("chú thích"), required=False, max_length=255)

    class Meta:
        icon = "image"
        label = _("Ảnh")
        template = "blocks/image.html"
        description = _("Một ảnh với chú thích, tự co giãn theo màn hình.")

    def bulk_to_python(self, values):
        # Every image of a stream (and of a gallery: ListBlock hands its items
        # over in one batch) comes with its renditions in one more query.
        structs = super().bulk_to_python(values)
        images = [struct["image"] for struct in structs if struct.get("image")]
        prefetch_related_objects(
            images, renditions_prefetch(CONTENT_IMAGE, GALLERY_THUMB, GALLERY_LARGE)
        )
        return structs

    def get_preview_value(self):
        images = _newest_images(1)
        return self.normalize(
            {
                "image": images[0] if images else None,
                "caption": "Đồi chè Thanh Chương mùa hái búp",
            }
        )

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        if value.get("image") is None and viewer_is_editor(parent_context):
            context["editor_note"] = (
                gettext("Ảnh của khối này đã bị xóa; chọn ảnh khác.")
                if missing_references(value)
                else gettext("Chưa chọn ảnh.")
            )
        return context


class GalleryBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("tiêu đề"), required=False, max_length=200)
    images = blocks.ListBlock(ImageBlock(), label=_("ảnh"), min_num=2)

    class Meta:
        icon = "group"
        label = _("Bộ ảnh")
        template = "blocks/gallery.html"
        description = _("Nhiều ảnh xếp lưới, bấm để xem lớn.")

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["has_images"] = any(
            item.get("image") for item in value.get("images") or []
        )
        if not context["has_images"] and viewer_is_editor(parent_context):
            context["editor_note"] = gettext(
                "Bộ ảnh chưa có ảnh nào (hoặc các ảnh đã bị xóa)."
            )
        return context

    def get_preview_value(self):
        captions = ["Hái chè buổi sớm", "Sao chè bằng chảo gang", "Đóng gói tại xưởng"]
        return self.normalize(
            {
                "title": "Một ngày ở hợp tác xã",
                "images": [
                    {"image": image, "caption": caption}
                    for image, caption in zip(
                        _newest_images(len(captions)), captions, strict=False
                    )
                ],
            }
        )


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("lời trích"))
    attribution = blocks.CharBlock(label=_("người nói"), required=False, max_length=200)

    class Meta:
        icon = "openquote"
        label = _("Trích dẫn")
        template = "blocks/quote.html"
        description = _("Lời của nông dân, khách hàng hoặc cán bộ.")
        preview_value = {
            "text": "Từ khi có mã QR, khách ở Hà Nội biết chè nhà tôi hái ngày nào.",
            "attribution": "Chị Lan, HTX Chè Thanh Chương",
        }


class VideoBlock(blocks.StructBlock):
    video = EmbedBlock(label=_("địa chỉ video (YouTube, Facebook)"))
    caption = blocks.CharBlock(label=_("chú thích"), required=False, max_length=255)

    class Meta:
        icon = "media"
        label = _("Video")
        template = "blocks/video.html"
        description = _("Video nhúng từ YouTube hoặc nơi khác.")
        # No address: the preview shows the video's frame and caption without
        # asking YouTube for anything.
        preview_value = {"video": None, "caption": "Thu hái chè ở Thanh Chương"}


class CallToActionBlock(ReferenceCheckMixin, blocks.StructBlock):
    title = blocks.CharBlock(label=_("tiêu đề"), max_length=200)
    text = blocks.TextBlock(label=_("nội dung"), required=False)
    button_label = blocks.CharBlock(label=_("chữ trên nút"), max_length=60)
    page = blocks.PageChooserBlock(label=_("trang đích"), required=False)
    url = blocks.URLBlock(label=_("hoặc địa chỉ"), required=False)

    class Meta:
        icon = "pick"
        label = _("Kêu gọi hành động")
        template = "blocks/call_to_action.html"
        description = _("Một hộp nổi bật với một nút, ví dụ “Đặt cam ngay”.")
        preview_value = {
            "title": "Cam Vinh đã vào mùa",
            "text": "Đặt trực tiếp từ hợp tác xã, giao tận nhà.",
            "button_label": "Xem cam Vinh",
            "url": "/san-pham/?q=cam",
        }

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        request = (parent_context or {}).get("request")
        page = value.get("page")
        link = ""
        if page is not None and page.live:
            link = page.get_url(request=request) or ""
        link = link or value.get("url") or ""
        context["link"] = link
        if viewer_is_editor(parent_context) and (
            (page is not None and not page.live) or "page" in missing_references(value)
        ):
            context["editor_note"] = gettext(
                "Trang đích chưa xuất bản hoặc đã bị xóa; nút dẫn tới địa chỉ dự "
                "phòng nếu có, nếu không thì bị ẩn."
            )
        return context


class FAQItemBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("câu hỏi"), max_length=255)
    answer = blocks.RichTextBlock(label=_("trả lời"), features=RICH_TEXT_FEATURES)


class FAQBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("tiêu đề"), required=False, max_length=200)
    items = blocks.ListBlock(FAQItemBlock(), label=_("câu hỏi"))

    class Meta:
        icon = "help"
        label = _("Hỏi đáp")
        template = "blocks/faq.html"
        description = _("Danh sách câu hỏi và trả lời, mở từng câu.")
        preview_value = {
            "title": "Câu hỏi thường gặp",
            "items": [
                {
                    "question": "Tôi có thể trả tiền khi nhận hàng không?",
                    "answer": "<p>Có, mọi hợp tác xã đều nhận thanh toán khi giao.</p>",
                }
            ],
        }


class KeyFigureBlock(blocks.StructBlock):
    figure = blocks.CharBlock(label=_("con số"), max_length=40)
    label = blocks.CharBlock(label=_("ý nghĩa"), max_length=120)


class KeyFiguresBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("tiêu đề"), required=False, max_length=200)
    figures = blocks.ListBlock(KeyFigureBlock(), label=_("con số"), min_num=1)

    class Meta:
        icon = "table"
        label = _("Con số nổi bật")
        template = "blocks/key_figures.html"
        description = _("Vài con số lớn, ví dụ “4.500 ha chè”.")
        preview_value = {
            "title": "Thanh Chương trong số liệu",
            "figures": [
                {"figure": "4.500 ha", "label": "chè xanh"},
                {"figure": "12", "label": "hợp tác xã"},
                {"figure": "3 ★", "label": "OCOP cho chè búp khô"},
            ],
        }


@dataclass
class ProductGrid:
    """What a product grid block shows, worked out when the page is rendered."""

    products: list = field(default_factory=list)
    # The catalogue with the same filters ("see all"); empty for picked products.
    catalogue_url: str = ""
    # Why some or all products are not shown, for editors only.
    problems: list[str] = field(default_factory=list)
    # False when the grid cannot be worked out at all (a chosen filter is gone).
    valid: bool = True


def grid_catalogue_params(value) -> dict[str, str] | None:
    """The catalogue query string for a grid's filters, as the catalogue URL has
    them; None if a chosen category or cooperative no longer exists."""
    if {"category", "cooperative"} & set(missing_references(value)):
        return None
    params = {}
    if category := value.get("category"):
        params["category"] = category.slug
    if cooperative := value.get("cooperative"):
        params["cooperative"] = cooperative.slug
    for name, param in (
        ("commune", "commune"),
        ("certification", "certification"),
        ("ocop_stars", "ocop"),
    ):
        if (chosen := value.get(name)) not in (None, ""):
            params[param] = str(chosen)
    # The catalogue's filter form is a checkbox: ticked sends "on".
    if value.get("in_season"):
        params["in_season"] = "on"
    if value.get("in_stock"):
        params["in_stock"] = "on"
    sort = GRID_SORTS.get(value.get("sort") or "newest", Sort.NEWEST)
    if sort != Sort.NEWEST:
        params["sort"] = sort
    return params


def grid_count(value) -> int:
    try:
        count = int(value.get("count") or 0)
    except (TypeError, ValueError):
        count = 0
    return min(max(count, 1), GRID_MAX_COUNT) if count else 8


def product_grid(value) -> ProductGrid:
    """The products a grid block shows: the picked ones in the editor's order,
    or the catalogue's own filters (market.catalogue.filter_products)."""
    picked = list(value.get("products") or [])
    if picked:
        return _picked_grid(value, picked)
    params = grid_catalogue_params(value)
    if params is None:
        return ProductGrid(
            valid=False,
            problems=[
                gettext(
                    "Danh mục hoặc hợp tác xã của bộ lọc đã bị xóa; chọn lại để "
                    "lưới sản phẩm hiện trở lại."
                )
            ],
        )
    products, filterset = filter_products(params)
    if filterset.messages:
        # An ignored filter would widen the grid to products the editor did
        # not ask for; show none rather than the wrong ones.
        return ProductGrid(valid=False, problems=filterset.messages)
    return ProductGrid(
        products=list(products[: grid_count(value)]),
        catalogue_url=f"{reverse('market:catalogue')}?{urlencode(params)}"
        if params
        else reverse("market:catalogue"),
    )


def _picked_grid(value, picked) -> ProductGrid:
    ids = list(dict.fromkeys(product.pk for product in picked if product is not None))
    queryset = Product.objects.published().filter(pk__in=ids).for_listing()
    # The same in-stock rule as the catalogue's, applied to the picked products.
    products, _filterset = filter_products(
        {"in_stock": "on"} if value.get("in_stock") else {}, queryset=queryset
    )
    by_pk = {product.pk: product for product in products}
    shown = [by_pk[pk] for pk in ids if pk in by_pk]
    hidden = len(ids) - len(shown) + sum(1 for product in picked if product is None)
    problems = []
    if hidden:
        problems.append(
            ngettext(
                "%(count)d sản phẩm đã chọn không hiện vì chưa đăng bán, hết hàng "
                "hoặc đã bị xóa.",
                "%(count)d sản phẩm đã chọn không hiện vì chưa đăng bán, hết hàng "
                "hoặc đã bị xóa.",
                hidden,
            )
            % {"count": hidden}
        )
    return ProductGrid(products=shown, problems=problems)


class ProductGridBlock(ReferenceCheckMixin, blocks.StructBlock):
    """Products picked by hand, or a live query that follows the catalogue."""

    title = blocks.CharBlock(label=_("tiêu đề"), required=False, max_length=200)
    products = blocks.ListBlock(
        SnippetChooserBlock("market.Product"),
        label=_("sản phẩm chọn tay"),
        required=False,
        # No empty chooser to delete before a filtered grid can be saved.
        default=[],
        help_text=_("Để trống để dùng bộ lọc bên dưới."),
    )
    category = SnippetChooserBlock(
        "market.Category", label=_("danh mục"), required=False
    )
    cooperative = SnippetChooserBlock(
        "producers.Cooperative", label=_("hợp tác xã"), required=False
    )
    commune = blocks.ChoiceBlock(
        label=_("xã/phường"), choices=nghe_an_communes, required=False
    )
    certification = blocks.ChoiceBlock(
        label=_("chứng nhận"), choices=Certification.Kind.choices, required=False
    )
    ocop_stars = blocks.ChoiceBlock(
        label=_("OCOP từ"),
        choices=[("3", "3 ★"), ("4", "4 ★"), ("5", "5 ★")],
        required=False,
    )
    in_season = blocks.BooleanBlock(label=_("chỉ sản phẩm đang mùa"), required=False)
    in_stock = blocks.BooleanBlock(
        label=_("chỉ sản phẩm còn hàng"), required=False, default=True
    )
    sort = blocks.ChoiceBlock(
        label=_("sắp xếp"),
        choices=[
            ("newest", _("Mới nhất")),
            ("price", _("Giá tăng dần")),
            ("-price", _("Giá giảm dần")),
            ("name", _("Tên A–Z")),
        ],
        default="newest",
    )
    count = blocks.IntegerBlock(
        label=_("số sản phẩm"), default=8, min_value=1, max_value=24
    )

    class Meta:
        icon = "list-ul"
        label = _("Lưới sản phẩm")
        template = "blocks/product_grid.html"
        description = _(
            "Sản phẩm chọn tay hoặc theo bộ lọc (danh mục, hợp tác xã, xã, chứng "
            "nhận, OCOP, mùa vụ), luôn cập nhật theo gian hàng."
        )
        preview_value = {"title": "Đặc sản đang mùa", "in_stock": True, "count": 4}

    def render(self, value, context=None):
        if viewer_is_editor(context):
            # With notes for the editor on what the settings left out.
            return super().render(value, context)
        # The same products for every visitor until a product, its stock or
        # anything public changes (cms.page_cache); "in season" follows the day.
        return page_cache.cached_fragment(
            "product-grid",
            [self.get_prep_value(value), timezone.localdate().isoformat()],
            lambda: super(ProductGridBlock, self).render(value, context),
        )

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        grid = product_grid(value)
        context["grid"] = grid
        context["products"] = grid.products
        if grid.problems and viewer_is_editor(parent_context):
            context["editor_notes"] = grid.problems
        return context


def spotlight_cooperative(cooperative: Cooperative | None) -> Cooperative | None:
    """The cooperative again, with its logo and photos, or None if it is gone."""
    if cooperative is None:
        return None
    return (
        Cooperative.objects.select_related("logo")
        .prefetch_related(
            renditions_prefetch(COOPERATIVE_LOGO, lookup="logo__renditions"),
            Prefetch(
                "photos",
                queryset=CooperativePhoto.objects.select_related("image")
                .prefetch_related(
                    renditions_prefetch(SPOTLIGHT_PHOTO, lookup="image__renditions")
                )
                .order_by("sort_order"),
            ),
        )
        .filter(pk=cooperative.pk)
        .first()
    )


def top_products(cooperative: Cooperative, limit: int) -> list:
    """A cooperative's products a buyer can order now: OCOP-rated first, newest."""
    if limit <= 0:
        return []
    return list(
        Product.objects.published()
        .in_stock()
        .filter(cooperative=cooperative)
        .for_listing()
        .order_by(
            F("ocop_stars").desc(nulls_last=True),
            F("first_published_at").desc(nulls_last=True),
            "-pk",
        )[: min(limit, SPOTLIGHT_MAX_PRODUCTS)]
    )


def _first_cooperative():
    return Cooperative.objects.order_by("-is_verified", "name", "pk").first()


class CooperativeSpotlightBlock(ReferenceCheckMixin, blocks.StructBlock):
    cooperative = SnippetChooserBlock("producers.Cooperative", label=_("hợp tác xã"))
    text = blocks.TextBlock(
        label=_("lời giới thiệu"),
        required=False,
        help_text=_("Để trống để dùng đoạn đầu câu chuyện của hợp tác xã."),
    )
    product_count = blocks.IntegerBlock(
        label=_("số sản phẩm"), default=3, min_value=0, max_value=8
    )

    class Meta:
        icon = "user"
        label = _("Giới thiệu hợp tác xã")
        template = "blocks/cooperative_spotlight.html"
        description = _("Một hợp tác xã: ảnh, câu chuyện và sản phẩm bán chạy.")

    def get_preview_value(self):
        # A real cooperative, so editors see what the block looks like; an
        # empty site previews the block's empty state.
        return self.normalize(
            {"cooperative": _first_cooperative(), "text": "", "product_count": 3}
        )

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        cooperative = spotlight_cooperative(value.get("cooperative"))
        context["cooperative"] = cooperative
        if cooperative is None:
            if viewer_is_editor(parent_context):
                context["editor_note"] = (
                    gettext("Hợp tác xã của khối này đã bị xóa; chọn hợp tác xã khác.")
                    if missing_references(value)
                    else gettext("Chưa chọn hợp tác xã.")
                )
            return context
        photos = list(cooperative.photos.all())
        context["photo"] = photos[0].image if photos else None
        context["products"] = top_products(cooperative, value.get("product_count") or 0)
        query = urlencode({"cooperative": cooperative.slug})
        context["catalogue_url"] = f"{reverse('market:catalogue')}?{query}"
        return context


@dataclass
class CommuneGroup:
    """The cooperatives of one commune, as the map block lists them."""

    name: str
    cooperatives: list = field(default_factory=list)


def cooperatives_by_commune(commune=None) -> list[CommuneGroup]:
    """Cooperatives grouped by commune name (A–Z), verified ones first in each."""
    cooperatives = Cooperative.objects.only(
        "pk",
        "name",
        "slug",
        "province_code",
        "commune_code",
        "street",
        "latitude",
        "longitude",
        "is_verified",
    ).order_by("-is_verified", "name", "pk")
    if commune not in (None, ""):
        try:
            cooperatives = cooperatives.filter(commune_code=int(commune))
        except (TypeError, ValueError):
            return []
    groups: dict[str, CommuneGroup] = {}
    for cooperative in cooperatives:
        name = (
            cooperative.commune_name
            or cooperative.province_name
            or gettext("Chưa rõ xã/phường")
        )
        groups.setdefault(name, CommuneGroup(name)).cooperatives.append(cooperative)
    return sorted(groups.values(), key=lambda group: fold(group.name))


class CooperativeMapBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("tiêu đề"), required=False, max_length=200)
    commune = blocks.ChoiceBlock(
        label=_("xã/phường"),
        choices=nghe_an_communes,
        required=False,
        help_text=_("Để trống để liệt kê mọi hợp tác xã theo xã."),
    )

    class Meta:
        icon = "site"
        label = _("Bản đồ hợp tác xã")
        template = "blocks/cooperative_map.html"
        description = _("Danh sách hợp tác xã theo xã/phường, có liên kết bản đồ.")
        preview_value = {"title": "Hợp tác xã trong huyện"}

    def render(self, value, context=None):
        # Every cooperative of the district on each page that has the block:
        # drawn once, until a cooperative (or anything public) changes.
        return page_cache.cached_fragment(
            "cooperative-map",
            [value.get("title"), value.get("commune")],
            lambda: super(CooperativeMapBlock, self).render(value, context),
        )

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["groups"] = cooperatives_by_commune(value.get("commune"))
        context["cooperative_count"] = sum(
            len(group.cooperatives) for group in context["groups"]
        )
        return context


def _newest_lot():
    return (
        Lot.objects.exclude(status=Lot.Status.RECALLED)
        .order_by(F("harvest_date").desc(nulls_last=True), "-pk")
        .first()
    )


class LotHighlightBlock(ReferenceCheckMixin, blocks.StructBlock):
    lot = SnippetChooserBlock("producers.Lot", label=_("lô hàng"))
    text = blocks.TextBlock(label=_("lời giới thiệu"), required=False)

    class Meta:
        icon = "tag"
        label = _("Lô hàng truy xuất")
        template = "blocks/lot_highlight.html"
        description = _("Một lô hàng với mã QR dẫn tới trang truy xuất nguồn gốc.")

    def get_preview_value(self):
        return self.normalize({"lot": _newest_lot(), "text": ""})

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        chosen = value.get("lot")
        lot = (
            Lot.objects.select_related("cooperative").filter(pk=chosen.pk).first()
            if chosen is not None
            else None
        )
        context["lot"] = lot
        if lot is None:
            if viewer_is_editor(parent_context):
                context["editor_note"] = (
                    gettext("Lô hàng của khối này đã bị xóa; chọn lô khác.")
                    if missing_references(value)
                    else gettext("Chưa chọn lô hàng.")
                )
            return context
        context["trace_url"] = lot.get_absolute_url()
        # The same code as printed on the lot's labels (producers.qr), drawn
        # inline: segno writes the SVG from the lot's URL and code alone.
        svg = qr_svg_bytes(lot, scale=5).decode()
        label = gettext("Mã QR của lô %(code)s") % {"code": lot.code}
        context["qr_svg"] = mark_safe(  # noqa: S308 - segno's SVG, label escaped
            svg.replace(
                "<svg ", format_html('<svg role="img" aria-label="{}" ', label), 1
            )
        )
        context["product"] = (
            None
            if lot.is_recalled
            else lot.products.published()
            .order_by(F("first_published_at").desc(nulls_last=True), "-pk")
            .first()
        )
        return context


class BodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = ParagraphBlock()
    image = ImageBlock()
    gallery = GalleryBlock()
    quote = QuoteBlock()
    video = VideoBlock()
    call_to_action = CallToActionBlock()
    faq = FAQBlock()
    key_figures = KeyFiguresBlock()
    product_grid = ProductGridBlock()
    cooperative_spotlight = CooperativeSpotlightBlock()
    cooperative_map = CooperativeMapBlock()
    lot_highlight = LotHighlightBlock()
