"""StreamField blocks the district's editors build pages from.

Each block has its own template under `cms/templates/blocks/`, an icon, a
description and a preview value, so the admin's block picker shows what it
makes. Product and cooperative blocks read the market's and producers' data
at render time, so a page stays current as cooperatives change their listings.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

from producers import places
from producers.models import Certification

RICH_TEXT_FEATURES = ["h3", "bold", "italic", "link", "ol", "ul", "document-link"]


def nghe_an_communes():
    """Communes of Nghệ An (province 40), where the district's cooperatives are."""
    return places.commune_choices(40)


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


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("ảnh"))
    caption = blocks.CharBlock(label=_("chú thích"), required=False, max_length=255)

    class Meta:
        icon = "image"
        label = _("Ảnh")
        template = "blocks/image.html"
        description = _("Một ảnh với chú thích, tự co giãn theo màn hình.")


class GalleryBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("tiêu đề"), required=False, max_length=200)
    images = blocks.ListBlock(ImageBlock(), label=_("ảnh"), min_num=2)

    class Meta:
        icon = "group"
        label = _("Bộ ảnh")
        template = "blocks/gallery.html"
        description = _("Nhiều ảnh xếp lưới, bấm để xem lớn.")


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


class CallToActionBlock(blocks.StructBlock):
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


class ProductGridBlock(blocks.StructBlock):
    """Products picked by hand, or a live query that follows the catalogue."""

    title = blocks.CharBlock(label=_("tiêu đề"), required=False, max_length=200)
    products = blocks.ListBlock(
        SnippetChooserBlock("market.Product"),
        label=_("sản phẩm chọn tay"),
        required=False,
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


class CooperativeSpotlightBlock(blocks.StructBlock):
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


class LotHighlightBlock(blocks.StructBlock):
    lot = SnippetChooserBlock("producers.Lot", label=_("lô hàng"))
    text = blocks.TextBlock(label=_("lời giới thiệu"), required=False)

    class Meta:
        icon = "tag"
        label = _("Lô hàng truy xuất")
        template = "blocks/lot_highlight.html"
        description = _("Một lô hàng với mã QR dẫn tới trang truy xuất nguồn gốc.")


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
