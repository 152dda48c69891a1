from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.views import account as admin_account
from wagtail.api.v3.urls import api as wagtail_api
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from market.api import api
from producers.ratelimit import rate_limit

from . import views
from .sitemaps import SITEMAPS

# A Wagtail page's address, as wagtail_serve matches it ("", "tin-tuc/", ...).
# Page slugs have no dots, so "<page>rss.xml" never is a page itself.
PAGE_PATH = r"(?P<path>(?:[\w\-]+/)*)"

urlpatterns = [
    # Each request for a reset link sends an e-mail: limited per address, ahead
    # of Wagtail's own route for the same address.
    path(
        "admin/password_reset/",
        rate_limit("password_reset", methods=["POST"])(
            admin_account.PasswordResetView.as_view()
        ),
        name="wagtailadmin_password_reset",
    ),
    path("admin/", include(wagtailadmin_urls)),
    # Wagtail's own pattern and name, through a view that refuses absurd ids.
    re_path(r"^documents/(\d+)/(.*)$", views.serve_document, name="wagtaildocs_serve"),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("healthz", views.health, name="health"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    # Stripe calls this address itself: no language prefix, no session.
    path("thanh-toan/", include("market.payments.urls")),
    # The JSON API (docs/api.md); CMS pages through Wagtail's own API.
    path("api/v1/cms/", wagtail_api.urls),
    path("api/v1/", api.urls),
]

# Vietnamese lives at the root ("/san-pham/"), English under "/en/".
urlpatterns += i18n_patterns(
    path("", include("market.urls")),
    path("", include("producers.urls")),
    # News feeds and event calendars, next to the page they belong to.
    re_path(
        rf"^{PAGE_PATH}rss\.xml$", views.news_feed, {"kind": "rss"}, name="news_rss"
    ),
    re_path(
        rf"^{PAGE_PATH}atom\.xml$", views.news_feed, {"kind": "atom"}, name="news_atom"
    ),
    re_path(rf"^{PAGE_PATH}lich\.ics$", views.event_calendar, name="event_ics"),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns = (
        static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT) + urlpatterns
    )
