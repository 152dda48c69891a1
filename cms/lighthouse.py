"""Lighthouse on the pages a phone buyer opens first, as `manage.py lighthouse` runs it.

The site runs as in production (gunicorn, production settings, hashed and
compressed static files from WhiteNoise) on the local database; as the proxy in
front would, pages are gzipped and media files served with a long cache life.
Lighthouse 12 (installed by `make lighthouse` into .lighthouse/, never by the
test suite) audits each page with its default mobile set-up: a phone screen and
simulated "Slow 4G" throttling (150 ms round trips, 1.6 Mbit/s down, CPU slowed
four times). Nothing leaves the machine: Chromium runs with background
networking off and the pages load nothing from elsewhere.

The pages are found as a buyer finds them: the catalogue's first products, the
first of them with a lot on its page, and the checkout with that product in
the cart (the cart's session cookie goes with Lighthouse's requests).
"""

import gzip
import json
import os
import re
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path

from django.conf import settings
from django.utils.crypto import get_random_string

LIGHTHOUSE_VERSION = "12.2.3"
INSTALL_DIR = Path(settings.BASE_DIR) / ".lighthouse"
BINARY = INSTALL_DIR / "node_modules" / ".bin" / "lighthouse"
REPORTS_DIR = Path(settings.BASE_DIR) / "lighthouse-reports"
CHROME_PATH = "/usr/bin/chromium"
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)
# Seconds a page may take the first time (its photos' renditions are made then).
WARM_TIMEOUT = 180
MEDIA_MAX_AGE = 30 * 24 * 3600
ATTEMPTS = 3


class LighthouseError(Exception):
    """Why Lighthouse could not run, in words for the person who ran it."""


# The site


def wsgi_with_media():
    """The site's WSGI application as the proxy in front serves it (gunicorn factory).

    Production leaves media to the web server in front, which also gzips pages
    (docs/deploy.md: `encode zstd gzip`); here WhiteNoise serves the media,
    finding photo renditions made after it started, and `gzip_pages` compresses.
    """
    from whitenoise import WhiteNoise

    from cms.wsgi import application

    return gzip_pages(
        WhiteNoise(
            application,
            root=str(settings.MEDIA_ROOT),
            prefix=settings.MEDIA_URL,
            autorefresh=True,
            max_age=MEDIA_MAX_AGE,
        )
    )


COMPRESSIBLE = ("text/", "application/json", "application/javascript", "image/svg")


def gzip_pages(app):
    """Gzip text responses not compressed already, for clients that accept it."""

    def compressed(environ, start_response):
        if "gzip" not in environ.get("HTTP_ACCEPT_ENCODING", ""):
            return app(environ, start_response)
        chunks: list[bytes] = []
        answer: dict = {}

        def capture(status, headers, exc_info=None):
            answer.update(status=status, headers=headers, exc_info=exc_info)
            return chunks.append

        result = app(environ, capture)
        try:
            chunks.extend(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        body, headers = b"".join(chunks), answer["headers"]
        names = {name.lower(): value for name, value in headers}
        if (
            names.get("content-type", "").startswith(COMPRESSIBLE)
            and "content-encoding" not in names
            and len(body) > 256
        ):
            body = gzip.compress(body, compresslevel=6)
            headers = [
                (name, value)
                for name, value in headers
                if name.lower() not in ("content-length", "etag")
            ]
            headers += [
                ("Content-Encoding", "gzip"),
                ("Content-Length", str(len(body))),
                ("Vary", "Accept-Encoding"),
            ]
        start_response(answer["status"], headers, answer["exc_info"])
        return [body]

    return compressed


def environment() -> dict[str, str]:
    """Production settings on the local database, over plain HTTP on 127.0.0.1."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="cms.settings.production",
        SECRET_KEY=get_random_string(64),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        PYTHONUNBUFFERED="1",
    )
    return env


def collectstatic(env: dict[str, str]) -> None:
    """Hash and compress the static files, as a deploy does (skipped if current)."""
    from cms.bench.server import collectstatic as collect

    collect(env)


def start_site(env: dict[str, str], log: Path, workers: int = 2):
    """gunicorn serving the site (pages gzipped, media served) on a free port."""
    from cms.bench.server import Server

    site = Server(
        env,
        workers=workers,
        log=log,
        app="cms.lighthouse:wsgi_with_media()",
        timeout=WARM_TIMEOUT,
        task_worker=False,
    )
    try:
        site.start()
    except RuntimeError as error:
        raise LighthouseError(str(error)) from error
    return site


# Finding the pages


class Browser:
    """Plain HTTP with the site's cookies kept by hand (they are Secure-flagged
    under production settings, which a cookie jar would not send over HTTP)."""

    def __init__(self, base_url: str):
        self.base_url = base_url.rstrip("/")
        self.cookies: dict[str, str] = {}

    def open(self, path: str, data: dict | None = None) -> tuple[int, str, str]:
        """Status, final path and body of `path` (a redirect is not followed)."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base_url + path, data=body)
        if self.cookies:
            request.add_header("Cookie", self.cookie_header())
        request.add_header("Referer", self.base_url + path)
        opener = urllib.request.build_opener(NoRedirect)
        try:
            response = opener.open(request, timeout=WARM_TIMEOUT)
        except urllib.error.HTTPError as error:
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        text = response.read().decode("utf-8", "replace")
        return response.status, response.headers.get("Location", ""), text

    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


PRODUCT_LINK = re.compile(r'class="product-card__name"><a href="([^"]+)"')
LOT_LINK = re.compile(r'<ul class="lot-links">\s*<li><a href="([^"]+)"')
QUANTITY_FIELD = re.compile(r'id="add-to-cart-qty"[^>]*value="(\d+)"')
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PRODUCT_FIELD = re.compile(
    r'<form class="add-to-cart"[^>]*>.*?name="product" value="(\d+)"', re.S
)


@dataclass
class Pages:
    """What to audit: (name, path) pairs and the cookie the checkout needs."""

    paths: list[tuple[str, str]]
    checkout_cookie: str


def find_pages(base_url: str) -> Pages:
    """Home, catalogue, a product with a lot, its lot's page and the checkout."""
    browser = Browser(base_url)
    status, _, catalogue = browser.open("/san-pham/")
    if status != 200:
        raise LighthouseError(f"The catalogue answered {status}: is the site up?")
    products = PRODUCT_LINK.findall(catalogue)
    if not products:
        raise LighthouseError(
            "The catalogue lists no product: load the demo data (make demo)."
        )
    product_path, lot_path, product_page = products[0], "", ""
    for path in products:
        _, _, page = browser.open(path)
        found = LOT_LINK.search(page)
        if found and QUANTITY_FIELD.search(page):
            product_path, lot_path, product_page = path, found.group(1), page
            break
    if not product_page:
        _, _, product_page = browser.open(product_path)
    paths = [
        ("home", "/"),
        ("catalogue", "/san-pham/"),
        ("product", product_path),
    ]
    if lot_path:
        paths.append(("trace (lot)", lot_path))

    # The product into the cart, as its form does.
    token = CSRF_FIELD.search(product_page)
    product = PRODUCT_FIELD.search(product_page)
    quantity = QUANTITY_FIELD.search(product_page)
    checkout = ("cart", "/gio-hang/")
    if token and product and quantity:
        status, _, _ = browser.open(
            "/gio-hang/",
            {
                "csrfmiddlewaretoken": token.group(1),
                "product": product.group(1),
                "quantity": quantity.group(1),
                "action": "add",
            },
        )
        if status in (302, 303) and browser.open("/thanh-toan/")[0] == 200:
            checkout = ("checkout", "/thanh-toan/")
    paths.append(checkout)
    return Pages(paths=paths, checkout_cookie=browser.cookie_header())


def warm(base_url: str, paths: list[str], cookie: str = "") -> None:
    """Open each page once: the first visit makes the photos' renditions."""
    for path in paths:
        request = urllib.request.Request(base_url + path)
        if cookie:
            request.add_header("Cookie", cookie)
        try:
            with urllib.request.urlopen(request, timeout=WARM_TIMEOUT) as response:
                page = response.read().decode("utf-8", "replace")
        except urllib.error.URLError:
            continue
        for image in re.findall(r'(?:src|srcset)="(/media/[^" ,]+)', page):
            try:
                with urllib.request.urlopen(base_url + image, timeout=WARM_TIMEOUT):
                    pass
            except urllib.error.URLError:
                pass


# Lighthouse


def installed() -> bool:
    return BINARY.exists()


def run_lighthouse(url: str, output: Path, cookie: str = "") -> dict:
    """One Lighthouse run of `url`, mobile and Slow 4G; its JSON report."""
    if not installed():
        raise LighthouseError(
            f"Lighthouse is not installed in {INSTALL_DIR}: run `make lighthouse`."
        )
    args = [
        str(BINARY),
        url,
        "--output=json",
        f"--output-path={output}",
        "--form-factor=mobile",
        "--throttling-method=simulate",
        "--only-categories=performance,accessibility",
        "--disable-full-page-screenshot",
        f"--chrome-flags={CHROME_FLAGS}",
        "--quiet",
    ]
    if cookie:
        args.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    env = dict(os.environ, CHROME_PATH=os.environ.get("CHROME_PATH", CHROME_PATH))
    # Lighthouse now and then fails to record a trace (NO_NAVSTART, NO_FCP on a
    # busy machine) and asks to be run again: so it is, twice at most.
    for _attempt in range(ATTEMPTS):
        output.unlink(missing_ok=True)
        done = subprocess.run(
            args, env=env, capture_output=True, text=True, check=False
        )
        if done.returncode == 0 and output.exists():
            return json.loads(output.read_text())
    raise LighthouseError(f"Lighthouse failed on {url}:\n{done.stderr[-2000:]}")


def is_photo(item: dict) -> bool:
    path = urllib.parse.urlsplit(item.get("url", "")).path
    return item.get("resourceType") == "Image" and path.startswith(settings.MEDIA_URL)


def figures(report: dict) -> dict:
    """The figures the table shows, from a Lighthouse JSON report."""
    audits, categories = report["audits"], report["categories"]

    def value(audit: str) -> float | None:
        return audits.get(audit, {}).get("numericValue")

    requests = audits.get("network-requests", {}).get("details", {}).get("items", [])
    without_photos = sum(
        item.get("transferSize", 0) for item in requests if not is_photo(item)
    )
    score = categories["performance"]["score"]
    accessibility = categories["accessibility"]["score"]
    return {
        "performance": None if score is None else round(score * 100),
        "lcp_ms": value("largest-contentful-paint"),
        "tbt_ms": value("total-blocking-time"),
        "cls": value("cumulative-layout-shift"),
        "bytes": value("total-byte-weight"),
        "bytes_without_photos": without_photos,
        "accessibility": None if accessibility is None else round(accessibility * 100),
        "runtime_error": (report.get("runtimeError") or {}).get("message", ""),
    }


COLUMNS = ("page", "perf", "LCP s", "TBT ms", "CLS", "KB", "KB no photos", "a11y")


def table(rows: list[tuple[str, dict]]) -> str:
    def cell(number, pattern):
        return "–" if number is None else pattern.format(number)

    lines = [
        f"{COLUMNS[0]:<12} {COLUMNS[1]:>5} {COLUMNS[2]:>6} {COLUMNS[3]:>7} "
        f"{COLUMNS[4]:>6} {COLUMNS[5]:>7} {COLUMNS[6]:>13} {COLUMNS[7]:>5}"
    ]
    for name, f in rows:
        lcp = None if f["lcp_ms"] is None else f["lcp_ms"] / 1000
        kb = None if f["bytes"] is None else f["bytes"] / 1024
        lines.append(
            f"{name:<12} {cell(f['performance'], '{:d}'):>5} "
            f"{cell(lcp, '{:.1f}'):>6} {cell(f['tbt_ms'], '{:.0f}'):>7} "
            f"{cell(f['cls'], '{:.3f}'):>6} {cell(kb, '{:.0f}'):>7} "
            f"{f['bytes_without_photos'] / 1024:>13.0f} "
            f"{cell(f['accessibility'], '{:d}'):>5}"
        )
    return "\n".join(lines)
