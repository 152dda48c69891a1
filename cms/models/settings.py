"""Site settings the district edits: the navigation menu and the footer."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, PageChooserPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Orderable


class LinkFields(models.Model):
    """A link to a page of the site or to an address, with its own label."""

    label = models.CharField(_("chữ hiển thị"), max_length=60)
    link_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("trang"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    link_url = models.CharField(
        _("hoặc địa chỉ"),
        max_length=255,
        blank=True,
        help_text=_("Ví dụ /san-pham/ hoặc https://…"),
    )

    panels = [
        FieldPanel("label"),
        PageChooserPanel("link_page"),
        FieldPanel("link_url"),
    ]

    class Meta:
        abstract = True

    def __str__(self):
        return self.label

    @property
    def url(self) -> str:
        if self.link_page_id:
            return self.link_page.localized.url or ""
        return self.link_url


@register_setting(icon="list-ul")
class NavigationSettings(ClusterableModel, BaseSiteSetting):
    """The main menu shown in every page's header."""

    panels = [InlinePanel("menu_items", label=_("Mục trình đơn"))]

    class Meta:
        verbose_name = _("trình đơn chính")


class MenuItem(Orderable, LinkFields):
    setting = ParentalKey(
        NavigationSettings, related_name="menu_items", on_delete=models.CASCADE
    )


@register_setting(icon="doc-full")
class FooterSettings(ClusterableModel, BaseSiteSetting):
    """The footer: who runs the marketplace, how to reach them, useful links."""

    text = models.TextField(
        _("lời cuối trang"),
        blank=True,
        help_text=_("Ví dụ: đơn vị quản lý, địa chỉ, số điện thoại."),
    )
    contact_email = models.EmailField(_("email liên hệ"), blank=True)
    contact_phone = models.CharField(_("điện thoại"), max_length=20, blank=True)

    panels = [
        FieldPanel("text"),
        FieldPanel("contact_email"),
        FieldPanel("contact_phone"),
        InlinePanel("links", label=_("Liên kết cuối trang")),
    ]

    class Meta:
        verbose_name = _("cuối trang")


class FooterLink(Orderable, LinkFields):
    setting = ParentalKey(
        FooterSettings, related_name="links", on_delete=models.CASCADE
    )
