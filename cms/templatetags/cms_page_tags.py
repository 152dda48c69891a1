"""Template helpers for the district's Wagtail pages: SEO tags, menus, dates."""

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from wagtail.models import Page

from cms import navigation
from cms.models import NewsPage
from cms.models.pages import share_rendition
from market.templatetags.market_tags import json_ld
from producers.templatetags.producers_tags import rich_text_excerpt

register = template.Library()

OG_LOCALES = {"vi": "vi_VN", "en": "en_US"}


@register.simple_tag(takes_context=True)
def page_seo(context, page) -> dict | None:
    """What the <head> says about a Wagtail page to search engines, Zalo, Facebook
    and Twitter; None for anything that is not a page."""
    if not isinstance(page, Page):
        return None
    request = context.get("request")
    canonical = context.get("canonical_url") or page.get_full_url(request)
    language = page.locale.language_code
    seo = {
        "title": page.seo_title or page.title,
        "description": page_description(page),
        "canonical": canonical,
        "robots": context.get("robots", ""),
        "og_type": "article" if isinstance(page, NewsPage) else "website",
        "locale": OG_LOCALES.get(language, language),
        "language": language,
        "image": None,
        "translations": [],
    }
    rendition = share_rendition(page)
    if rendition is not None:
        url = rendition.url
        image = page.get_share_image()
        seo["image"] = {
            "url": request.build_absolute_uri(url) if request else url,
            "width": rendition.width,
            "height": rendition.height,
            "alt": image.description or image.title,
        }
    if seo["og_type"] == "article":
        seo["published_time"] = timezone.localtime(page.published_at()).isoformat()
        if page.last_published_at:
            seo["modified_time"] = timezone.localtime(
                page.last_published_at
            ).isoformat()
        seo["tags"] = [tag.name for tag in page.tag_list]
    translations = page.get_translations(inclusive=True).live().select_related("locale")
    if len(translations) > 1:
        seo["translations"] = [
            {
                "language": other.locale.language_code,
                "locale": OG_LOCALES.get(other.locale.language_code, ""),
                "url": other.get_full_url(request),
            }
            for other in translations
        ]
    return seo


@register.simple_tag
def meta_description(page) -> str:
    """A Wagtail page's description for <meta name="description">, or ""."""
    return page_description(page) if isinstance(page, Page) else ""


def page_description(page) -> str:
    """The page's search description, else the opening of its introduction."""
    if page.search_description:
        return page.search_description
    intro = getattr(page, "intro", "") or ""
    return rich_text_excerpt(intro, 30) if intro else ""


@register.simple_tag(takes_context=True)
def page_json_ld(context, page) -> str:
    """schema.org data of pages that have some (news, events), as JSON-LD."""
    structured_data = getattr(page, "structured_data", None)
    if structured_data is None:
        return ""
    return json_ld(structured_data(context.get("request")))


@register.simple_tag(takes_context=True)
def main_menu(context) -> list[dict]:
    """The menu the district edits in Settings › Main menu; empty when unset."""
    request = context.get("request")
    if request is None:
        return []
    return navigation.mark_current(navigation.site_links(request)["menu"], request.path)


@register.simple_tag(takes_context=True)
def site_footer(context) -> dict:
    """The footer's text, contacts and links from Settings › Footer."""
    request = context.get("request")
    if request is None:
        return {}
    footer = navigation.site_links(request)["footer"]
    return {**footer, "links": navigation.mark_current(footer["links"], request.path)}


@register.filter
def event_when(event) -> str:
    """ "Thứ 7, 14/3/2026, 08:00 – 17:00", or both ends in full when the event
    spans several days ("Thứ 7, 14/3/2026, 08:00 – Thứ 2, 16/3/2026, 18:00");
    in the district's time zone."""
    start = timezone.localtime(event.start)
    end = timezone.localtime(event.end)
    if start.date() == end.date():
        return _("{day}, {date}, {start} – {end}").format(
            day=date_format(start, "l"),
            date=date_format(start),
            start=date_format(start, "H:i"),
            end=date_format(end, "H:i"),
        )
    return _(
        "{start_day}, {start_date}, {start} – {end_day}, {end_date}, {end}"
    ).format(
        start_day=date_format(start, "l"),
        start_date=date_format(start),
        start=date_format(start, "H:i"),
        end_day=date_format(end, "l"),
        end_date=date_format(end),
        end=date_format(end, "H:i"),
    )


@register.filter
def date_range(campaign) -> str:
    """A campaign's dates, "1/6/2026 – 31/8/2026"."""
    return f"{date_format(campaign.start_date)} – {date_format(campaign.end_date)}"
