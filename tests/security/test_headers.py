"""Security headers: Content-Security-Policy by area, Permissions-Policy, the
cross-origin opener policy, and production's HTTPS headers (cms/security.py)."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from tests.market.factories import ProductFactory

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "cms.settings.production",
    "SECRET_KEY": "k3y-" + "Zt8qW2mR5vX9bN3cJ7hL1pF4sD6gK0yA2eU5iO8rT1wQ" * 2,
    "ALLOWED_HOSTS": "cho.nghean.example.vn",
}


def policy(response) -> dict[str, list[str]]:
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.django_db
def test_public_pages_get_the_strict_policy():
    ProductFactory(name="Chè búp Thanh Chương", slug="che-bup")

    for url in ("/san-pham/", "/san-pham/che-bup/", "/gio-hang/", "/en/truy-xuat/"):
        csp = policy(Client().get(url))
        assert csp["default-src"] == ["'self'"], url
        assert csp["script-src"] == ["'self'"], url
        assert csp["style-src"] == ["'self'"], url
        assert csp["img-src"] == ["'self'", "data:"], url
        assert csp["connect-src"] == ["'self'"], url
        assert csp["object-src"] == ["'none'"], url
        assert csp["base-uri"] == ["'self'"], url
        assert csp["frame-ancestors"] == ["'none'"], url
        assert csp["form-action"][:2] == ["'self'", "https://checkout.stripe.com"]


@pytest.mark.django_db
def test_pages_from_the_page_cache_carry_the_policy_too(settings):
    settings.MARKET_PAGE_CACHE_SECONDS = 300
    Client().get("/san-pham/")

    hit = Client().get("/san-pham/")

    assert hit["X-Page-Cache"] == "hit"
    assert policy(hit)["script-src"] == ["'self'"]
    assert "nonce" not in hit["Content-Security-Policy"]


@pytest.mark.django_db
def test_every_response_gets_the_other_headers():
    for url in ("/san-pham/", "/admin/login/", "/api/v1/categories", "/healthz"):
        response = Client().get(url)
        assert response["Permissions-Policy"] == (
            "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
        ), url
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", url
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert response["Referrer-Policy"] == "same-origin", url
        assert response["X-Frame-Options"] == "DENY", url


@pytest.mark.django_db
def test_the_admin_gets_its_own_looser_policy(client):
    csp = policy(client.get("/admin/login/"))

    assert csp["script-src"] == ["'self'", "'unsafe-inline'"]
    assert csp["style-src"] == ["'self'", "'unsafe-inline'"]
    # The editor's preview shows admin pages in frames of the admin.
    assert csp["frame-ancestors"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]


@pytest.mark.django_db
def test_the_api_docs_may_style_themselves_but_run_no_inline_script(client):
    csp = policy(client.get("/api/v1/docs"))

    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'", "'unsafe-inline'"]
    assert csp["img-src"] == ["'self'", "data:"]


@pytest.mark.django_db
def test_images_may_come_from_the_bucket_or_its_cdn(client, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "cho-media",
                "custom_domain": "anh.cho.nghean.example.vn",
                "querystring_auth": False,
            },
        },
    }

    csp = policy(client.get("/san-pham/"))

    assert csp["img-src"] == ["'self'", "data:", "https://anh.cho.nghean.example.vn"]


@pytest.mark.django_db
def test_the_order_form_may_lead_to_stripe_checkout_only(client, settings):
    settings.STRIPE_API_BASE = "https://api.stripe.com"
    assert policy(client.get("/thanh-toan/"))["form-action"] == [
        "'self'",
        "https://checkout.stripe.com",
    ]
    # A Stripe stand-in (the tests' fake) serves its checkout pages itself.
    settings.STRIPE_API_BASE = "http://127.0.0.1:8765"
    assert policy(client.get("/thanh-toan/"))["form-action"] == [
        "'self'",
        "https://checkout.stripe.com",
        "http://127.0.0.1:8765",
    ]


# -- what the public templates may hold under the strict policy --------------------

TEMPLATE_DIRS = [
    ROOT / "cms" / "templates",
    ROOT / "market" / "templates",
    ROOT / "producers" / "templates",
]
# Not public pages: e-mails (no policy applies) and the admin's own templates.
NOT_PUBLIC = re.compile(r"/(emails|admin|api_tokens|wagtailadmin)/")
SCRIPT = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
DATA_TYPES = re.compile(r'type="application/(ld\+)?json"')
INLINE_STYLE = re.compile(r"\sstyle=", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""href=["']javascript:""", re.IGNORECASE)


def public_templates():
    for directory in TEMPLATE_DIRS:
        for path in sorted(directory.rglob("*.html")):
            if not NOT_PUBLIC.search(str(path.relative_to(ROOT))):
                yield path


def test_public_templates_have_no_inline_script_or_style():
    """What the strict policy would block in a visitor's browser: inline
    scripts, event handler attributes, javascript: links, <style> elements
    and style attributes. Scripts are files; JSON-LD blocks are data."""
    found = []
    for path in public_templates():
        text = path.read_text()
        name = str(path.relative_to(ROOT))
        for match in SCRIPT.finditer(text):
            attributes = match.group(1)
            if "src=" not in attributes and not DATA_TYPES.search(attributes):
                found.append(f"{name}: inline <script>")
        for pattern, what in (
            (INLINE_STYLE, "style attribute"),
            (INLINE_HANDLER, "event handler attribute"),
            (STYLE_ELEMENT, "<style> element"),
            (JAVASCRIPT_URL, "javascript: link"),
        ):
            if pattern.search(text):
                found.append(f"{name}: {what}")

    assert found == []
    assert len(list(public_templates())) > 30


# -- production ----------------------------------------------------------------------


def _production_environment(**variables) -> dict:
    """This process's environment without the project's settings, plus the
    production settings' required variables."""
    kept = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "AWS_", "MARKET_", "STRIPE_", "SECURE_"))
        and k
        not in {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "BASE_URL"}
    }
    return {**kept, **PRODUCTION, **variables}


def run_production(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=_production_environment(),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_checks():
    result = run_production("manage.py", "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


REQUEST_IN_PRODUCTION = """
import json
import django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="cho.nghean.example.vn")
secure = client.get("/healthz", secure=True)
plain = client.get("/san-pham/")
print(json.dumps({
    "status": secure.status_code,
    "headers": dict(secure.headers),
    "plain_status": plain.status_code,
    "plain_location": plain.get("Location"),
}))
"""


def test_production_responses_carry_the_security_headers():
    result = run_production("-c", REQUEST_IN_PRODUCTION)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    headers = answer["headers"]

    assert answer["status"] == 200
    assert headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["Permissions-Policy"].startswith("camera=()")
    # Plain HTTP is sent to HTTPS.
    assert answer["plain_status"] == 301
    assert answer["plain_location"] == "https://cho.nghean.example.vn/san-pham/"
