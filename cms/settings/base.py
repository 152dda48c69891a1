"""Settings shared by every environment; nothing secret lives here."""

import os
import warnings
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _
from PIL import Image as PILImage

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h]

INSTALLED_APPS = [
    "cms",
    "market",
    "producers",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.simple_translation",
    "wagtail.locales",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "corsheaders",
    "axes",
    "csp",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    # First: everything after it sees the visitor's address, not the proxy's.
    "cms.proxy.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy (cms/security.py); outside
    # the page cache, so cached pages get them too.
    "cms.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "producers.api.middleware.ApiLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # After sessions, users and messages (it serves anonymous visitors only),
    # inside the CSRF middleware (which sets the cookie of a filled-in token).
    "cms.page_cache.PageCacheMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "producers.api.middleware.ApiConditionalGetMiddleware",
    "producers.api.middleware.IdempotencyMiddleware",
    # Last: turns a sign-in refused for too many failures into the 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "cms" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# The embedded default is a SQLite file next to manage.py; DATABASE_URL switches to
# PostgreSQL (or anything dj-database-url understands) without code changes.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default serves concurrent requests too: take the write lock
    # when a transaction starts (no deadlock upgrading a read lock) and wait
    # for it instead of failing at once.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in [
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    ]
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["cms.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "cms" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = BASE_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Uploads (Wagtail images and their renditions, documents, trace evidence) go to
# an S3-compatible bucket when one is named, so every app server sees the same
# files (docs/deploy.md). Credentials are read by boto3 itself: AWS_ACCESS_KEY_ID
# and AWS_SECRET_ACCESS_KEY, or the machine's role.
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            # MinIO, Ceph or a provider's S3 endpoint; empty for Amazon S3.
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            # "path" for servers without a wildcard DNS name per bucket.
            "addressing_style": os.environ.get("AWS_S3_ADDRESSING_STYLE") or None,
            # A CDN or the bucket's public host name, used in media URLs.
            "custom_domain": os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None,
            "location": os.environ.get("AWS_LOCATION", "media"),
            # Everything uploaded is public (photos, trace evidence): plain URLs
            # that browsers and CDNs can cache, and no name is ever reused.
            "querystring_auth": False,
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=604800"},
        },
    }

# Uploads are bounded before they reach Pillow.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# One process needs no other service: a memory cache of its own and sessions in
# the database. Several app servers share REDIS_URL (docs/deploy.md): the page
# cache and its invalidation, API rate-limit counts, and sessions read from
# Redis. Sessions are written to the database too ("cached_db"), so flushing or
# losing the cache logs nobody out and empties no guest's cart (market/cart.py
# keeps it in the session).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if redis_url := os.environ.get("REDIS_URL"):
    cache_key_prefix = os.environ.get("CACHE_KEY_PREFIX", "nsa")
    # Fail fast when Redis is unreachable instead of holding a worker.
    redis_options = {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 2}
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": cache_key_prefix,
            "OPTIONS": redis_options,
        },
        "sessions": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": f"{cache_key_prefix}:sessions",
            "OPTIONS": redis_options,
        },
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    SESSION_CACHE_ALIAS = "sessions"

LOGIN_URL = "wagtailadmin_login"
# Sign-in throttling (django-axes, cms/security.py, docs/deploy.md): the first
# backend refuses a sign-in while its account and address, or its address, are
# locked out; the second checks the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "cms.security.LoginAttempts"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
# Failures of one account from one address that lock it there...
AXES_FAILURE_LIMIT = 5
# ...and failures from one address, on any accounts, that lock the address.
MARKET_LOGIN_ADDRESS_FAILURE_LIMIT = 30
# The lock lifts this long after the last failure; failures while locked out
# are refused without being counted, so the time shown holds.
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "producers.ratelimit.client_address"
AXES_USERNAME_CALLABLE = "cms.security.login_username"
AXES_LOCKOUT_CALLABLE = "cms.security.login_locked_out"
# Successful sign-ins are not logged (no table growing with every login).
AXES_DISABLE_ACCESS_LOG = True

# Wagtail
WAGTAIL_SITE_NAME = "Chợ Nông Sản Nghệ An"
WAGTAILADMIN_BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:8000")
# Vietnamese and English page trees (wagtail.locales, simple_translation's
# "Translate" action); the Vietnamese home is the Site root, Wagtail serves its
# English translation under /en/ (cms/urls.py i18n_patterns).
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
# The admin's search (pages, products, cooperatives, images, documents): the
# database's own full text search, PostgreSQL's on PostgreSQL and FTS5 on SQLite.
# The "simple" configuration only folds case: English stemming and stop words
# would drop Vietnamese words ("An" in "Nghệ An"). WAGTAILSEARCH_URL moves it to
# an OpenSearch or Elasticsearch cluster (docs/deploy.md).
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "wagtail.search.backends.database",
        "SEARCH_CONFIG": "simple",
    }
}
if search_url := os.environ.get("WAGTAILSEARCH_URL"):
    WAGTAILSEARCH_BACKENDS["default"] = {
        "BACKEND": os.environ.get(
            "WAGTAILSEARCH_BACKEND", "wagtail.search.backends.opensearch3"
        ),
        "URLS": search_url.split(","),
        "INDEX_PREFIX": os.environ.get("WAGTAILSEARCH_INDEX_PREFIX", "nsa_"),
        "TIMEOUT": 5,
    }
# Images and documents are judged by their first bytes, not their names: markup
# (HTML, SVG) is refused whatever it is called, and an image's pixels are counted
# from its header before anything decodes it (producers/uploads.py).
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 8 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
# Pillow itself refuses to open a bigger image wherever it is opened (the admin's
# profile pictures, renditions of stored images): it raises at twice its
# MAX_IMAGE_PIXELS, and its warning below that is only noise here.
PILImage.MAX_IMAGE_PIXELS = WAGTAILIMAGES_MAX_IMAGE_PIXELS // 2
warnings.filterwarnings("ignore", category=PILImage.DecompressionBombWarning)
WAGTAILIMAGES_EXTENSIONS = ["avif", "gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_IMAGE_FORM_BASE = "producers.upload_forms.CheckedImageForm"
WAGTAILDOCS_EXTENSIONS = ["pdf", "jpg", "jpeg", "png", "webp"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILDOCS_DOCUMENT_FORM_BASE = "producers.upload_forms.CheckedDocumentForm"
# Documents served by the site itself: only PDFs open in the browser, anything
# else downloads; each answer forbids scripts and type guessing.
WAGTAILDOCS_INLINE_CONTENT_TYPES = ["application/pdf"]
WAGTAILDOCS_BLOCK_EMBEDDED_CONTENT = True
# Draftail, reading a posted value that is not its own JSON as HTML to clean
# rather than failing (producers/richtext_editor.py).
WAGTAILADMIN_RICH_TEXT_EDITORS = {
    "default": {"WIDGET": "producers.richtext_editor.CheckedDraftailRichTextArea"}
}
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Editors' avatars are not fetched from Gravatar: no third party learns who
# works in the admin, and the admin's images all come from the site itself.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Page addresses in plain ASCII ("tuan-le-cam-vinh"): readable when shared on
# Zalo and typed by people who write without diacritics.
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAIL_DATE_FORMAT = "%d/%m/%Y"
WAGTAIL_DATETIME_FORMAT = "%d/%m/%Y %H:%M"

MARKET_CATALOGUE_PAGE_SIZE = 24

# Anonymous page cache (cms/page_cache.py, docs/performance.md): how long a
# rendered page may be served from the cache; 0 switches the cache off. Changes
# to products, stock, prices, lots and pages invalidate it at once.
MARKET_PAGE_CACHE_SECONDS = int(os.environ.get("MARKET_PAGE_CACHE_SECONDS", "300"))
# Parts of pages that many pages share (the cooperatives' map block...) are
# kept the same way, whether or not whole pages are; 0 switches that off.
MARKET_FRAGMENT_CACHE_SECONDS = int(
    os.environ.get("MARKET_FRAGMENT_CACHE_SECONDS", "300")
)
# How long a CDN in front may keep a public page (Cache-Control s-maxage).
MARKET_CDN_CACHE_SECONDS = int(os.environ.get("MARKET_CDN_CACHE_SECONDS", "60"))
# A CDN or caching proxy that accepts HTTP PURGE (Varnish, nginx, Fastly...):
# the page cache asks Wagtail's frontend cache to purge a CMS page's address
# when it is published, and the addresses of products and lots that change.
WAGTAILFRONTENDCACHE = {}
# The addresses purged already name their language ("/en/..." or none).
WAGTAILFRONTENDCACHE_LANGUAGES = []
if os.environ.get("FRONTEND_CACHE_PURGE_URL"):
    WAGTAILFRONTENDCACHE["default"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
        "LOCATION": os.environ["FRONTEND_CACHE_PURGE_URL"],
    }

# The JSON API (docs/api.md): open reads for any site (CORS), writes with a
# cooperative's token; requests per minute per address and per token.
MARKET_API_PREFIX = "/api/"
MARKET_API_PAGE_SIZE = 20
MARKET_API_CACHE_SECONDS = 60
MARKET_API_RATES = {
    "anonymous": os.environ.get("MARKET_API_RATE_ANONYMOUS", "120/m"),
    "token": os.environ.get("MARKET_API_RATE_TOKEN", "600/m"),
}
# How many reverse proxies stand in front of the app servers, each appending to
# X-Forwarded-For (cms/proxy.py, docs/deploy.md); 0: REMOTE_ADDR is the visitor.
MARKET_TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
# The API's rate limits count per REMOTE_ADDR, which the line above makes right;
# django-ninja must not read X-Forwarded-For itself, which visitors can forge.
NINJA_NUM_PROXIES = 0

# Requests per client address to the pages that cost work per request
# (producers/ratelimit.py): N per second, minute, hour or day ("30/m"); beyond
# that 429 and a page saying when to try again. Requests the page cache answers
# are not counted (docs/deploy.md). None turns a limit off.
MARKET_RATE_LIMITS = {
    # /tim-kiem/ and the catalogue with ?q=
    "search": "60/m",
    # POSTs to /thanh-toan/ (placing an order, choosing delivery)
    "checkout": "30/m",
    # POSTs to /tra-cuu-don-hang/, besides its per-order attempt counts
    "tracking": "20/m",
    # /truy-xuat/?code=
    "lot_lookup": "60/m",
    # POSTs to /tai-khoan/dang-ky/ (a market day on one Wi-Fi: a few dozen an hour)
    "signup": "30/h",
    # POSTs to /admin/password_reset/ (each sends an e-mail)
    "password_reset": "10/h",
    # Stripe's webhook: Stripe retries what is refused, so generous but bounded.
    "stripe_webhook": "600/m",
}

# Security headers (cms/security.py). The public site's policy: everything from
# this site, no inline script or style (there is none; JSON-LD is data), images
# also as data: URIs and from the media storage's host, video embeds from
# YouTube and Facebook, forms posted here and on to Stripe Checkout.
CSP_VIDEO_HOSTS = [
    "https://www.youtube.com",
    "https://www.youtube-nocookie.com",
    "https://www.facebook.com",
]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF],
        "frame-src": CSP_VIDEO_HOSTS,
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}
# Areas with a policy of their own, by path prefix: the Wagtail admin runs inline
# scripts and styles and shows previews in frames of itself; the API's Swagger
# UI (/api/v1/docs) styles itself inline and draws its icons as data: images.
MARKET_CSP_AREAS = {
    "/admin/": {
        "default-src": [SELF],
        "script-src": [SELF, UNSAFE_INLINE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "media-src": [SELF, "blob:"],
        "frame-src": [SELF, *CSP_VIDEO_HOSTS],
        "worker-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [SELF],
        "form-action": [SELF],
    },
    MARKET_API_PREFIX: {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}
# Powerful browser features no page of the site uses (the lot lookup asks for
# no camera: phones scan the QR code with their own camera app).
MARKET_PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_EXPOSE_HEADERS = ["ETag", "Retry-After"]
# Wagtail's own page API, mounted at /api/v1/cms/ for reading pages. The app
# "wagtail.api.v3" is left out of INSTALLED_APPS on purpose: it would add a second
# kind of (per-user) API token to the admin; ours are per cooperative.
WAGTAILAPI_BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:8000")
MARKET_SITE_TAGLINE = _("Nông sản sạch từ các hợp tác xã Nghệ An")

# Buying (market/ordering.py, market/payments/)
# How long units stay held for an order waiting for its payment. Stripe lets a
# Checkout Session live from 30 minutes to 24 hours.
MARKET_CARD_PAYMENT_MINUTES = int(os.environ.get("MARKET_CARD_PAYMENT_MINUTES", "30"))
MARKET_BANK_TRANSFER_HOURS = int(os.environ.get("MARKET_BANK_TRANSFER_HOURS", "24"))
# The marketplace's cut of each delivered fulfilment, in percent.
MARKET_PLATFORM_FEE_PERCENT = os.environ.get("MARKET_PLATFORM_FEE_PERCENT", "5")
# The account buyers pay bank transfers into (VietQR / NAPAS 247).
MARKET_BANK_BIN = os.environ.get("MARKET_BANK_BIN", "970405")
MARKET_BANK_NAME = os.environ.get("MARKET_BANK_NAME", "Agribank")
MARKET_BANK_ACCOUNT = os.environ.get("MARKET_BANK_ACCOUNT", "3600205123456")
MARKET_BANK_ACCOUNT_NAME = os.environ.get(
    "MARKET_BANK_ACCOUNT_NAME", "BAN QUAN LY CHO NONG SAN"
)
# Where district staff hear about orders that need a person.
MARKET_STAFF_EMAIL = os.environ.get("MARKET_STAFF_EMAIL", "")
# Where the district hears about cooperatives' certificates expiring soon.
DISTRICT_EMAIL = os.environ.get("DISTRICT_EMAIL", "")

# Stripe: keys and the API's base address come from the environment, so tests
# point the real SDK at a local fake.
STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
STRIPE_PUBLISHABLE_KEY = os.environ.get("STRIPE_PUBLISHABLE_KEY", "")
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "https://api.stripe.com")
# What Stripe accepts for one VND charge: at least about 0.50 USD, at most
# eight digits.
STRIPE_MIN_AMOUNT_VND = int(os.environ.get("STRIPE_MIN_AMOUNT_VND", "13000"))
STRIPE_MAX_AMOUNT_VND = int(os.environ.get("STRIPE_MAX_AMOUNT_VND", "99999999"))

# Background work (django-tasks): run at once, in the request, by default.
# Production sets TASKS_BACKEND=django_tasks_db.DatabaseBackend and runs
# `manage.py db_worker` (docs/deploy.md): tasks are rows in the database, so any
# app server queues them and any worker runs them.
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"
        )
    }
}
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Chợ Nông Sản Nghệ An <no-reply@localhost>"
)
