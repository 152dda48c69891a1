"""The district's pages: campaigns, news, events, standard pages and contact."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
)
from wagtail.api import APIField
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractFormField
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.images.models import SourceImageIOError
from wagtail.models import Page
from wagtail.search import index

from cms import navigation  # noqa: F401 - its receivers clear the cached menu
from cms.blocks import BodyBlock
from market.images import renditions_prefetch
from producers.models import coordinate_field
from producers.richtext import CleanRichTextMixin

from .seo import SeoMixin

INTRO_FEATURES = ["bold", "italic", "link"]

# The card pictures of campaigns, news and events (cms/includes/*_card.html):
# listings prefetch exactly these renditions, so a list of 30 cards costs the same
# queries as a list of 3 (see market/images.py).
CARD_IMAGE = "format-{avif,webp,jpeg} fill-{400x225,800x450}"
# What Zalo, Facebook and Twitter show when a page is shared.
SHARE_IMAGE = "fill-1200x630|format-jpeg"

NEWS_PER_PAGE = 12
PAST_EVENTS_PER_PAGE = 12
FEED_ITEMS = 20


def with_card_image(queryset, field: str):
    """`queryset` with its card picture (`field`) and that picture's renditions."""
    return queryset.select_related(field).prefetch_related(
        renditions_prefetch(CARD_IMAGE, lookup=f"{field}__renditions")
    )


def campaigns_under(page):
    return with_card_image(
        CampaignPage.objects.live().public().descendant_of(page), "hero_image"
    )


def news_under(page):
    return with_card_image(
        NewsPage.objects.live().public().descendant_of(page), "lead_image"
    ).order_by("-date", "-first_published_at", "-pk")


def events_under(page):
    return with_card_image(
        EventPage.objects.live().public().descendant_of(page), "lead_image"
    )


def paginate(request, items, per_page: int):
    """A page of `items` from `?page=`; a wrong number shows the nearest page."""
    paginator = Paginator(items, per_page)
    page_obj = paginator.get_page(request.GET.get("page"))
    return {
        "page_obj": page_obj,
        "page_range": paginator.get_elided_page_range(
            page_obj.number, on_each_side=1, on_ends=1
        ),
    }


def share_rendition(page):
    """The share picture in its 1200×630 JPEG rendition, or None; kept per page
    object so the meta tags and the JSON-LD ask the database once."""
    if not hasattr(page, "_share_rendition"):
        image = page.get_share_image()
        try:
            rendition = image.get_rendition(SHARE_IMAGE) if image else None
        except SourceImageIOError:  # the original file is gone: share no picture
            rendition = None
        page._share_rendition = rendition
    return page._share_rendition


def _absolute(request, url: str) -> str:
    return request.build_absolute_uri(url) if request is not None else url


def _publisher(request) -> dict:
    return {
        "@type": "Organization",
        "name": settings.WAGTAIL_SITE_NAME,
        "url": _absolute(request, "/"),
    }


def lead_image_field():
    return models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("ảnh chính"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )


class CampaignIndexPage(CleanRichTextMixin, SeoMixin, Page):
    """Lists the district's campaigns: running now, coming, and past."""

    intro = RichTextField(_("lời giới thiệu"), blank=True, features=INTRO_FEATURES)

    # Read through Wagtail's page API (/api/v1/cms/pages/).
    api_fields = [APIField("intro")]

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.CampaignPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("danh sách chiến dịch")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(self.campaigns_by_phase())
        return context

    def campaigns_by_phase(self) -> dict[str, list]:
        """This index's campaigns: running now (ending soonest first), coming
        (starting soonest first) and past (most recent first)."""
        phases = {"current": [], "upcoming": [], "past": []}
        for campaign in campaigns_under(self).order_by("start_date", "pk"):
            phases[campaign.phase].append(campaign)
        phases["current"].sort(key=lambda c: c.end_date)
        phases["past"].sort(key=lambda c: c.end_date, reverse=True)
        return phases


class CampaignPage(CleanRichTextMixin, SeoMixin, Page):
    """A promotion for a season or a product, e.g. "Mùa cam Vinh 2026"."""

    start_date = models.DateField(_("ngày bắt đầu"))
    end_date = models.DateField(_("ngày kết thúc"))
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("ảnh bìa"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    intro = RichTextField(_("lời giới thiệu"), blank=True, features=INTRO_FEATURES)
    body = StreamField(BodyBlock(), verbose_name=_("nội dung"), blank=True)

    search_fields = [*Page.search_fields, index.SearchField("intro")]
    # Read through Wagtail's page API (/api/v1/cms/pages/).
    api_fields = [
        APIField("start_date"),
        APIField("end_date"),
        APIField("hero_image"),
        APIField("intro"),
        APIField("body"),
    ]

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
        FieldPanel("hero_image"),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    parent_page_types = ["cms.CampaignIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("chiến dịch")

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError(
                {"end_date": _("Ngày kết thúc phải sau ngày bắt đầu.")}
            )

    @property
    def phase(self) -> str:
        """ "current", "upcoming" or "past", by today's date in the district."""
        today = timezone.localdate()
        if today < self.start_date:
            return "upcoming"
        if today > self.end_date:
            return "past"
        return "current"

    def get_share_image(self):
        return self.share_image or self.hero_image

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["campaign_index"] = self.get_parent()
        return context


class NewsIndexPage(CleanRichTextMixin, SeoMixin, Page):
    intro = RichTextField(_("lời giới thiệu"), blank=True, features=INTRO_FEATURES)

    # Read through Wagtail's page API (/api/v1/cms/pages/).
    api_fields = [APIField("intro")]

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.NewsPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("danh sách tin tức")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # No NUL: PostgreSQL refuses it in a query (500).
        slug = request.GET.get("tag", "")[:100].replace("\x00", "")
        items = self.news_items(slug).prefetch_related("tagged_items__tag")
        context.update(paginate(request, items, NEWS_PER_PAGE))
        context["tag_slug"] = slug
        context["tags"] = list(self.tags_in_use())
        context["selected_tag"] = next(
            (tag for tag in context["tags"] if tag.slug == slug), None
        )
        if slug or context["page_obj"].number > 1:
            # Filtered and later pages repeat the index's posts: followed, not listed.
            context["robots"] = "noindex, follow"
        return context

    def news_items(self, tag: str | None = None):
        """Published posts of this index, newest first; `tag` is a tag's slug."""
        items = news_under(self)
        if tag:
            items = items.filter(tagged_items__tag__slug=tag)
        return items

    def tags_in_use(self):
        """Tags of this index's published posts, for the filter links."""
        from taggit.models import Tag

        return (
            Tag.objects.filter(
                cms_newspagetag_items__content_object__in=NewsPage.objects.live()
                .public()
                .descendant_of(self)
            )
            .distinct()
            .order_by("name")
        )


class NewsPageTag(TaggedItemBase):
    content_object = ParentalKey(
        "cms.NewsPage", related_name="tagged_items", on_delete=models.CASCADE
    )


class NewsPage(CleanRichTextMixin, SeoMixin, Page):
    """News about cooperatives, harvests and the district's programmes."""

    date = models.DateField(_("ngày đăng"), default=timezone.localdate)
    author = models.CharField(_("tác giả"), max_length=200, blank=True)
    lead_image = lead_image_field()
    intro = models.TextField(_("tóm tắt"), max_length=500, blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("nội dung"), blank=True)
    tags = ClusterTaggableManager(
        through=NewsPageTag, blank=True, verbose_name=_("thẻ")
    )

    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
    ]
    # Read through Wagtail's page API (/api/v1/cms/pages/).
    api_fields = [
        APIField("date"),
        APIField("author"),
        APIField("intro"),
        APIField("body"),
        APIField("tags"),
    ]

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("date"), FieldPanel("author")]),
        FieldPanel("tags"),
        FieldPanel("lead_image"),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("tin tức")

    def get_share_image(self):
        return self.share_image or self.lead_image

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["news_index"] = self.get_parent()
        return context

    @cached_property
    def tag_list(self) -> list:
        """This post's tags in name order, read once; listings prefetch
        "tagged_items__tag" and cost nothing more."""
        items = self.tagged_items.all()
        if "tagged_items" not in getattr(self, "_prefetched_objects_cache", {}):
            items = items.select_related("tag")
        return sorted((item.tag for item in items), key=lambda tag: tag.name)

    def published_at(self):
        """When the post appeared: its publication time if that fell on its date,
        else the start of its date in the district's time zone."""
        published = self.first_published_at
        if published and timezone.localtime(published).date() == self.date:
            return published
        return timezone.make_aware(
            datetime.datetime.combine(self.date, datetime.time())
        )

    def structured_data(self, request) -> dict:
        """schema.org NewsArticle for search engines."""
        url = self.get_full_url(request)
        data = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": self.title[:110],
            "url": url,
            "mainEntityOfPage": url,
            "datePublished": timezone.localtime(self.published_at()).isoformat(),
            "inLanguage": self.locale.language_code,
            "publisher": _publisher(request),
        }
        if self.last_published_at:
            data["dateModified"] = timezone.localtime(
                self.last_published_at
            ).isoformat()
        if self.author:
            data["author"] = {"@type": "Person", "name": self.author}
        else:
            data["author"] = _publisher(request)
        description = self.search_description or self.intro
        if description:
            data["description"] = description
        rendition = share_rendition(self)
        if rendition:
            data["image"] = [_absolute(request, rendition.url)]
        tags = [tag.name for tag in self.tag_list]
        if tags:
            data["keywords"] = tags
        return data


class EventIndexPage(CleanRichTextMixin, SeoMixin, Page):
    intro = RichTextField(_("lời giới thiệu"), blank=True, features=INTRO_FEATURES)

    # Read through Wagtail's page API (/api/v1/cms/pages/).
    api_fields = [APIField("intro")]

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.EventPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("danh sách sự kiện")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["upcoming_events"] = self.upcoming_events()
        context.update(paginate(request, self.past_events(), PAST_EVENTS_PER_PAGE))
        if context["page_obj"].number > 1:
            context["robots"] = "noindex, follow"
        return context

    def upcoming_events(self):
        """Events not yet over, the soonest first."""
        return (
            events_under(self).filter(end__gte=timezone.now()).order_by("start", "pk")
        )

    def past_events(self):
        """Events already over, kept for the record, the latest first."""
        return (
            events_under(self).filter(end__lt=timezone.now()).order_by("-start", "-pk")
        )


class EventPage(CleanRichTextMixin, SeoMixin, Page):
    """A trade fair, harvest festival or training day."""

    start = models.DateTimeField(_("bắt đầu"))
    end = models.DateTimeField(_("kết thúc"))
    venue = models.CharField(_("địa điểm"), max_length=200)
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    latitude = coordinate_field(_("vĩ độ"), 90)
    longitude = coordinate_field(_("kinh độ"), 180)
    organiser = models.CharField(_("đơn vị tổ chức"), max_length=200, blank=True)
    lead_image = lead_image_field()
    intro = models.TextField(_("tóm tắt"), max_length=500, blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("nội dung"), blank=True)

    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("venue"),
    ]
    # Read through Wagtail's page API (/api/v1/cms/pages/).
    api_fields = [
        APIField("start"),
        APIField("end"),
        APIField("venue"),
        APIField("address"),
        APIField("organiser"),
        APIField("intro"),
        APIField("body"),
    ]

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
        MultiFieldPanel(
            [
                FieldPanel("venue"),
                FieldPanel("address"),
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
            ],
            _("Địa điểm"),
        ),
        FieldPanel("organiser"),
        FieldPanel("lead_image"),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    parent_page_types = ["cms.EventIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("sự kiện")

    def clean(self):
        super().clean()
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("Thời điểm kết thúc phải sau bắt đầu.")})

    @property
    def is_past(self) -> bool:
        return self.end < timezone.now()

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def get_share_image(self):
        return self.share_image or self.lead_image

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["event_index"] = self.get_parent()
        return context

    def structured_data(self, request) -> dict:
        """schema.org Event: when, where (with coordinates), who organises it."""
        place = {"@type": "Place", "name": self.venue}
        address = {"@type": "PostalAddress", "addressCountry": "VN"}
        if self.address:
            address["streetAddress"] = self.address
        place["address"] = address
        if self.has_location:
            place["geo"] = {
                "@type": "GeoCoordinates",
                "latitude": float(self.latitude),
                "longitude": float(self.longitude),
            }
        data = {
            "@context": "https://schema.org",
            "@type": "Event",
            "name": self.title,
            "url": self.get_full_url(request),
            "startDate": timezone.localtime(self.start).isoformat(),
            "endDate": timezone.localtime(self.end).isoformat(),
            "eventStatus": "https://schema.org/EventScheduled",
            "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
            "location": place,
            "inLanguage": self.locale.language_code,
        }
        description = self.search_description or self.intro
        if description:
            data["description"] = description
        if self.organiser:
            data["organizer"] = {"@type": "Organization", "name": self.organiser}
        rendition = share_rendition(self)
        if rendition:
            data["image"] = [_absolute(request, rendition.url)]
        return data


class StandardPage(CleanRichTextMixin, SeoMixin, Page):
    """About, how to buy, policies, FAQ: text pages built from blocks."""

    intro = RichTextField(_("lời giới thiệu"), blank=True, features=INTRO_FEATURES)
    body = StreamField(BodyBlock(), verbose_name=_("nội dung"), blank=True)

    search_fields = [*Page.search_fields, index.SearchField("body")]
    # Read through Wagtail's page API (/api/v1/cms/pages/).
    api_fields = [APIField("intro"), APIField("body")]

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    parent_page_types = ["cms.HomePage", "cms.StandardPage"]

    class Meta:
        verbose_name = _("trang nội dung")


class ContactFormField(AbstractFormField):
    page = ParentalKey(
        "cms.ContactPage", related_name="form_fields", on_delete=models.CASCADE
    )


class ContactPage(CleanRichTextMixin, SeoMixin, AbstractEmailForm):
    """A contact form whose submissions reach the district's inbox and the admin."""

    intro = RichTextField(_("lời giới thiệu"), blank=True, features=INTRO_FEATURES)
    thank_you_text = RichTextField(_("lời cảm ơn"), blank=True, features=INTRO_FEATURES)

    # Read through Wagtail's page API (/api/v1/cms/pages/).
    api_fields = [APIField("intro")]

    content_panels = [
        *AbstractEmailForm.content_panels,
        FormSubmissionsPanel(),
        FieldPanel("intro"),
        InlinePanel("form_fields", label=_("Trường của biểu mẫu")),
        FieldPanel("thank_you_text"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("from_address"), FieldPanel("to_address")]),
                FieldPanel("subject"),
            ],
            _("Email"),
        ),
    ]
    parent_page_types = ["cms.HomePage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("trang liên hệ")
