"""The district's Wagtail pages."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

FEATURED_PRODUCTS = 8
FEATURED_COOPERATIVES = 6


class HomePage(Page):
    """The site's front page: a welcome, then categories, products and cooperatives."""

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

    content_panels = [
        *Page.content_panels,
        FieldPanel("heading"),
        FieldPanel("intro"),
        FieldPanel("hero_image"),
    ]
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]

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
