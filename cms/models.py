"""The district's Wagtail pages."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
    """The site's front page: a welcome, then featured categories and products."""

    heading = models.CharField(_("tiêu đề lớn"), max_length=200, blank=True)
    intro = RichTextField(_("lời giới thiệu"), blank=True, features=["bold", "italic", "link"])
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("ảnh bìa"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    content_panels = [*Page.content_panels, FieldPanel("heading"), FieldPanel("intro"), FieldPanel("hero_image")]
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("trang chủ")

    def get_context(self, request, *args, **kwargs):
        from market.models import Category, Product

        context = super().get_context(request, *args, **kwargs)
        context["categories"] = Category.objects.filter(parent=None)
        context["featured_products"] = (
            Product.objects.published().in_stock().for_listing()[:8]
        )
        return context
