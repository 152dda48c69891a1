"""The district's Wagtail pages."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from cms.blocks import BodyBlock

from .seo import SeoMixin

FEATURED_PRODUCTS = 8
FEATURED_COOPERATIVES = 6


class HomePage(SeoMixin, Page):
    """The site's front page: a hero, the editors' blocks, then what is current:
    campaigns, products, cooperatives, news and events."""

    heading = models.CharField(_("tiêu đề lớn"), max_length=200, blank=True)
    intro = RichTextField(
        _("lời giới thiệu"), blank=True, features=["bold", "italic", "link"]
    )
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("ảnh bìa"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    hero_cta_label = models.CharField(
        _("chữ trên nút"), max_length=60, blank=True, default=""
    )
    hero_cta_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("nút dẫn tới trang"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    hero_cta_url = models.CharField(
        _("hoặc địa chỉ"), max_length=255, blank=True, default="/san-pham/"
    )
    body = StreamField(BodyBlock(), verbose_name=_("nội dung"), blank=True)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("heading"),
                FieldPanel("intro"),
                FieldPanel("hero_image"),
                FieldPanel("hero_cta_label"),
                FieldPanel("hero_cta_page"),
                FieldPanel("hero_cta_url"),
            ],
            _("Ảnh bìa và lời chào"),
        ),
        FieldPanel("body"),
    ]
    max_count = None  # one per language tree
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "cms.CampaignIndexPage",
        "cms.NewsIndexPage",
        "cms.EventIndexPage",
        "cms.StandardPage",
        "cms.ContactPage",
    ]

    class Meta:
        verbose_name = _("trang chủ")

    def get_context(self, request, *args, **kwargs):
        from market.models import Category

        context = super().get_context(request, *args, **kwargs)
        context["categories"] = Category.objects.filter(parent=None)
        context["featured_products"] = self.featured_products()
        context["featured_cooperatives"] = self.featured_cooperatives()
        return context

    def featured_products(self):
        """Products a buyer can order now, OCOP-rated ones first, then the newest."""
        from market.models import Product

        return (
            Product.objects.published()
            .in_stock()
            .for_listing()
            .order_by(
                models.F("ocop_stars").desc(nulls_last=True), "-first_published_at"
            )[:FEATURED_PRODUCTS]
        )

    def featured_cooperatives(self):
        """Verified cooperatives only: the district vouches for what it promotes."""
        from producers.models import Cooperative

        return (
            Cooperative.objects.filter(is_verified=True)
            .select_related("logo")
            .prefetch_related("logo__renditions")
            .order_by("name")[:FEATURED_COOPERATIVES]
        )
