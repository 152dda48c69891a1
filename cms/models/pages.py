"""The district's pages: campaigns, news, events, standard pages and contact."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
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
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractFormField
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.blocks import BodyBlock
from producers.models import coordinate_field

from .seo import SeoMixin

INTRO_FEATURES = ["bold", "italic", "link"]


def lead_image_field():
    return models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("ảnh chính"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )


class CampaignIndexPage(SeoMixin, Page):
    """Lists the district's campaigns: running now, coming, and past."""

    intro = RichTextField(_("lời giới thiệu"), blank=True, features=INTRO_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.CampaignPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("danh sách chiến dịch")


class CampaignPage(SeoMixin, Page):
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


class NewsIndexPage(SeoMixin, Page):
    intro = RichTextField(_("lời giới thiệu"), blank=True, features=INTRO_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.NewsPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("danh sách tin tức")


class NewsPageTag(TaggedItemBase):
    content_object = ParentalKey(
        "cms.NewsPage", related_name="tagged_items", on_delete=models.CASCADE
    )


class NewsPage(SeoMixin, Page):
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


class EventIndexPage(SeoMixin, Page):
    intro = RichTextField(_("lời giới thiệu"), blank=True, features=INTRO_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.EventPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("danh sách sự kiện")


class EventPage(SeoMixin, Page):
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

    def get_share_image(self):
        return self.share_image or self.lead_image


class StandardPage(SeoMixin, Page):
    """About, how to buy, policies, FAQ: text pages built from blocks."""

    intro = RichTextField(_("lời giới thiệu"), blank=True, features=INTRO_FEATURES)
    body = StreamField(BodyBlock(), verbose_name=_("nội dung"), blank=True)

    search_fields = [*Page.search_fields, index.SearchField("body")]
    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    parent_page_types = ["cms.HomePage", "cms.StandardPage"]

    class Meta:
        verbose_name = _("trang nội dung")


class ContactFormField(AbstractFormField):
    page = ParentalKey(
        "cms.ContactPage", related_name="form_fields", on_delete=models.CASCADE
    )


class ContactPage(SeoMixin, AbstractEmailForm):
    """A contact form whose submissions reach the district's inbox and the admin."""

    intro = RichTextField(_("lời giới thiệu"), blank=True, features=INTRO_FEATURES)
    thank_you_text = RichTextField(_("lời cảm ơn"), blank=True, features=INTRO_FEATURES)

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
