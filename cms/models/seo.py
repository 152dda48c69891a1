"""What every page shares: a share image for OpenGraph/Twitter, and SEO panels."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import Page


class SeoMixin(models.Model):
    """A page with its own share image (Zalo and Facebook read OpenGraph)."""

    share_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("ảnh khi chia sẻ"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Ảnh hiện khi trang được chia sẻ lên Zalo, Facebook (1200×630)."),
    )

    promote_panels = [
        MultiFieldPanel(
            [
                FieldPanel("slug"),
                FieldPanel("seo_title"),
                FieldPanel("search_description"),
                FieldPanel("share_image"),
            ],
            _("Tìm kiếm và chia sẻ"),
        ),
        MultiFieldPanel([FieldPanel("show_in_menus")], _("Trình đơn")),
    ]

    class Meta:
        abstract = True

    def get_share_image(self):
        """The image shown when the page is shared; pages override the fallback."""
        return self.share_image


def live_children(page: Page, model):
    return model.objects.live().public().child_of(page)
