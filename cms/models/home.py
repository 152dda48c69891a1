"""The district's Wagtail pages."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from cms.blocks import BodyBlock
from producers.richtext import CleanRichTextMixin

from .pages import (
    CampaignIndexPage,
    EventIndexPage,
    NewsIndexPage,
    campaigns_under,
    events_under,
    news_under,
)
from .seo import SeoMixin

FEATURED_PRODUCTS = 8
FEATURED_COOPERATIVES = 6
FEATURED_CAMPAIGNS = 3
LATEST_NEWS = 3
UPCOMING_EVENTS = 3


class HomePage(CleanRichTextMixin, SeoMixin, Page):
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

    # Read through Wagtail's page API (/api/v1/cms/pages/).
    api_fields = [
        APIField("heading"),
        APIField("intro"),
        APIField("hero_image"),
        APIField("hero_cta_label"),
        APIField("hero_cta_url"),
        APIField("body"),
    ]

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

    def get_share_image(self):
        return self.share_image or self.hero_image

    def get_context(self, request, *args, **kwargs):
        from market.models import Category

        context = super().get_context(request, *args, **kwargs)
        context["categories"] = Category.objects.filter(parent=None)
        context["featured_campaigns"] = self.featured_campaigns()
        context["featured_products"] = self.featured_products()
        context["featured_cooperatives"] = self.featured_cooperatives()
        context["latest_news"] = self.latest_news()
        context["upcoming_events"] = self.upcoming_events()
        context["section_pages"] = self.section_pages()
        context["hero_cta_href"] = self.hero_cta_href(request)
        return context

    def hero_cta_href(self, request=None) -> str:
        """Where the hero's button leads: the chosen page (in the reader's
        language when translated), else the address, else the catalogue."""
        page = self.hero_cta_page
        if page is not None and page.live:
            return page.localized.get_url(request) or ""
        return self.hero_cta_url or ""

    def section_pages(self) -> dict:
        """This home's campaign, news and event lists, for "see all" links."""
        kinds = {
            CampaignIndexPage: "campaigns",
            NewsIndexPage: "news",
            EventIndexPage: "events",
        }
        found = {}
        for page in self.get_children().live().public().type(*kinds):
            found.setdefault(kinds[page.specific_class], page)
        return found

    def featured_campaigns(self):
        """Campaigns running now, then those about to start; past ones are left out."""
        today = timezone.localdate()
        return list(
            campaigns_under(self)
            .filter(end_date__gte=today)
            .order_by(
                models.Case(
                    models.When(start_date__lte=today, then=models.Value(0)),
                    default=models.Value(1),
                ),
                "start_date",
                "end_date",
                "pk",
            )[:FEATURED_CAMPAIGNS]
        )

    def latest_news(self):
        return list(news_under(self)[:LATEST_NEWS])

    def upcoming_events(self):
        return list(
            events_under(self)
            .filter(end__gte=timezone.now())
            .order_by("start", "pk")[:UPCOMING_EVENTS]
        )

    def featured_products(self):
        """Products a buyer can order now, OCOP-rated ones first, then the newest
        (the order an index serves: market.search.popular_products)."""
        from market.search import popular_products

        return popular_products(FEATURED_PRODUCTS)

    def featured_cooperatives(self):
        """Verified cooperatives only: the district vouches for what it promotes."""
        from producers.models import Cooperative

        return (
            Cooperative.objects.filter(is_verified=True)
            .select_related("logo")
            .prefetch_related("logo__renditions")
            .order_by("name")[:FEATURED_COOPERATIVES]
        )
