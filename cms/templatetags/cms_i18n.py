"""Where the language switcher sends a visitor: the same content in the other
language when it exists, else that language's home page."""

from django import template
from django.urls import reverse
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
    """The `next` address for switching to `language_code`.

    On a Wagtail page: its translation (or that language's home). Elsewhere (the
    market and cooperative views) the current address, which Django's set_language
    translates to the other language's prefix.
    """
    request = context.get("request")
    page = context.get("page")
    if isinstance(page, Page):
        return translated_page_url(page, language_code, request)
    return request.get_full_path() if request is not None else "/"
