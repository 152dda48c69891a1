from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_safe
from django.views.i18n import set_language as django_set_language
from wagtail import hooks
from wagtail.models import Page

from . import ics
from .feeds import NewsAtomFeed, NewsFeed


def set_language(request):
    """Django's language switch, able to leave English for the unprefixed Vietnamese.

    Django resolves `next` in the language of this request, and /i18n/setlang/ has
    no prefix, so that is always Vietnamese: "/en/san-pham/" then reads as a Wagtail
    page path and the buyer stays on the English page. Resolve it in the language
    its own prefix names instead.
    """
    next_url = request.POST.get("next", request.GET.get("next")) or ""
    language = translation.get_language_from_path(urlsplit(next_url).path)
    with translation.override(language or settings.LANGUAGE_CODE):
        return django_set_language(request)


def serve_document(request, document_id: str, document_filename: str):
    """Wagtail's document view, but a 404 for an id longer than any row's: its
    pattern takes any run of digits, and int() refuses thousands (a 500)."""
    from wagtail.documents.views.serve import serve

    if len(document_id) > 18:
        raise Http404
    return serve(request, document_id, document_filename)


def health(request):
    """A bare "ok": the load balancer's health check and the benchmark's ceiling.

    It touches no database, session or template, so it measures what the server
    set-up itself costs per request (docs/performance.md).
    """
    return HttpResponse("ok", content_type="text/plain")


# Addresses search engines have no business in: the admin and a buyer's own pages,
# in Vietnamese (no prefix) and English.
ROBOTS_DISALLOW = ["/admin/", "/gio-hang/", "/thanh-toan/", "/tai-khoan/", "/don-hang/"]


@require_safe
def robots_txt(request):
    lines = ["User-agent: *", "Allow: /"]
    for path in ROBOTS_DISALLOW:
        lines.append(f"Disallow: {path}")
        if path != "/admin/":
            lines.append(f"Disallow: /en{path}")
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


def _serve_as_page(request, path: str, page_types, respond):
    """`respond(page)` for the published page at `path` (a Wagtail page address)
    if it is one of `page_types`, through the same hooks as Wagtail's own serve
    view, so private pages ask for a login or password here too."""
    page = Page.find_for_request(request, path)
    if page is None or not isinstance(page, page_types):
        raise Http404

    def serve_chain(page, request, args, kwargs):
        return respond(page)

    chain = serve_chain
    for hook in reversed(hooks.get_hooks("on_serve_page")):
        chain = hook(chain)
    for hook in hooks.get_hooks("before_serve_page"):
        result = hook(page, request, (), {})
        if isinstance(result, HttpResponse):
            return result
    return chain(page, request, (), {})


@require_safe
def news_feed(request, path: str, kind: str):
    """RSS (rss.xml) or Atom (atom.xml) of a news index; `?tag=` narrows it."""
    from cms.models import NewsIndexPage

    def respond(index):
        feed = NewsAtomFeed() if kind == "atom" else NewsFeed()
        # No NUL: PostgreSQL refuses it in a query (500).
        tag = request.GET.get("tag", "")[:100].replace("\x00", "")
        return feed(request, index=index, tag=tag)

    return _serve_as_page(request, path, NewsIndexPage, respond)


@require_safe
def event_calendar(request, path: str):
    """An event (or an event index's coming events) as an .ics file."""
    from cms.models import EventIndexPage, EventPage

    def respond(page):
        index = isinstance(page, EventIndexPage)
        events = page.upcoming_events() if index else [page]
        body = ics.calendar(events, request, name=page.title)
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{page.slug}.ics"'
        return response

    return _serve_as_page(request, path, (EventPage, EventIndexPage), respond)
