"""Where the language switcher sends a visitor: the same content in the other
language when it exists, else that language's home page."""

from django import template
from django.urls import reverse, translate_url
from django.utils import translation
from wagtail.models import Page, Site

register = template.Library()


def translated_page_url(page: Page, language_code: str, request=None) -> str:
    """The URL of `page`'s live translation in `language_code`; without one, the
    URL of that language's home page (the site root's translation), and without
    that either, the language's root ("/" or "/en/")."""
    if page.pk is not None:
        translation_ = (
            page.get_translations(inclusive=True)
            .filter(locale__language_code=language_code)
            .live()
            .first()
        )
        if translation_ is not None:
            return translation_.get_url(request)
    site = Site.find_for_request(request) if request is not None else None
    if site is not None:
        home = (
            site.root_page.get_translations(inclusive=True)
            .filter(locale__language_code=language_code)
            .live()
            .first()
        )
        if home is not None:
            return home.get_url(request)
    with translation.override(language_code):
        return reverse("wagtail_serve", args=[""])


@register.simple_tag(takes_context=True)
def language_switch_url(context, language_code: str) -> str:
    """Where the switch to `language_code` leads.

    On a Wagtail page: its translation (or that language's home). Elsewhere (the
    market and cooperative views) the same address under the other language's
    prefix, query string kept ("/san-pham/?q=cam" -> "/en/san-pham/?q=cam").
    """
    request = context.get("request")
    page = context.get("page")
    if isinstance(page, Page):
        return translated_page_url(page, language_code, request)
    if request is None:
        return "/"
    # Django's translate_url resolves the address in the current language, as
    # set_language does (cms.views.set_language).
    return translate_url(request.get_full_path(), language_code)
