"""The header menu and footer the district edits as site settings, cached.

Every page of the site shows them, so reading the settings, their items and the
linked pages' addresses would cost each page of the catalogue several queries.
They are cached per host and language instead; saving the settings or
publishing, unpublishing, moving or deleting a page clears them (the receivers
below, connected when cms.models.pages imports this module).
"""

import uuid

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import translation
from wagtail.signals import page_published, page_unpublished, post_page_move

VERSION_KEY = "cms:site-links:version"
TIMEOUT = 60 * 60


def site_links(request) -> dict:
    """{"menu": [links], "footer": {text, contact_email, contact_phone, links}},
    each link {"label", "url", "external"}; empty lists when nothing is set."""
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        cache.add(VERSION_KEY, version, None)
        version = cache.get(VERSION_KEY, version)
    key = ":".join(
        [
            "cms:site-links",
            version,
            request.get_host(),
            translation.get_language() or "",
        ]
    )
    data = cache.get(key)
    if data is None:
        data = _build(request)
        cache.set(key, data, TIMEOUT)
    return data


def clear() -> None:
    """Forget every cached menu and footer (a new version key)."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def _build(request) -> dict:
    # Read without BaseSiteSetting.for_request, which would create empty
    # settings rows on a GET; a site whose settings were never saved has none.
    from wagtail.models import Site

    from cms.models import FooterSettings, MenuItem

    site = Site.find_for_request(request)
    if site is None:
        return {"menu": [], "footer": {"links": []}}
    menu = MenuItem.objects.filter(setting__site=site).select_related("link_page")
    footer = FooterSettings.objects.filter(site=site).first()
    if footer is None:
        return {"menu": _links(menu, request), "footer": {"links": []}}
    return {
        "menu": _links(menu, request),
        "footer": {
            "text": footer.text,
            "contact_email": footer.contact_email,
            "contact_phone": footer.contact_phone,
            "links": _links(footer.links.select_related("link_page"), request),
        },
    }


def _links(items, request) -> list[dict]:
    """Items as label + address: pages in the reader's language when translated
    (one query for all), unpublished pages left out."""
    from wagtail.models import Locale, Page

    items = list(items)
    keys = [item.link_page.translation_key for item in items if item.link_page_id]
    translated = {}
    if keys:
        translated = {
            page.translation_key: page
            for page in Page.objects.live().filter(
                translation_key__in=keys, locale=Locale.get_active()
            )
        }
    links = []
    for item in items:
        if item.link_page_id:
            page = translated.get(item.link_page.translation_key, item.link_page)
            if not page.live:
                continue
            url = page.get_url(request) or ""
        else:
            url = item.link_url.strip()
        if url:
            links.append(
                {
                    "label": item.label,
                    "url": url,
                    "external": url.startswith(("http://", "https://", "//")),
                }
            )
    return links


def mark_current(links: list[dict], path: str) -> list[dict]:
    """The links with "current" set on the one the reader is on (or under)."""
    return [{**link, "current": _is_current(link, path)} for link in links]


def _is_current(link: dict, path: str) -> bool:
    url = link["url"]
    if link["external"]:
        return False
    if url in {"/", "/en/"}:
        return path == url
    return path == url or path.startswith(url.rstrip("/") + "/")


@receiver(post_save, sender="cms.NavigationSettings")
@receiver(post_save, sender="cms.MenuItem")
@receiver(post_save, sender="cms.FooterSettings")
@receiver(post_save, sender="cms.FooterLink")
@receiver(post_save, sender="wagtailcore.Site")
@receiver(post_delete, sender="cms.MenuItem")
@receiver(post_delete, sender="cms.FooterLink")
@receiver(post_delete, sender="wagtailcore.Site")
def _settings_changed(**kwargs):
    clear()


@receiver(page_published)
@receiver(page_unpublished)
@receiver(post_page_move)
def _page_changed(**kwargs):
    clear()


@receiver(post_delete)
def _page_deleted(sender, instance, **kwargs):
    from wagtail.models import Page

    if isinstance(instance, Page):
        clear()
