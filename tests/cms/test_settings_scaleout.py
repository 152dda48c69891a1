"""The environment switches one app server to the scale-out layout (docs/deploy.md).

Each case imports the production settings in a new process with the variables
set, as a server would start, and reads what they resolve to. Nothing here
reaches a service: a bucket's media URLs are computed, not fetched.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY_DOC = ROOT / "docs" / "deploy.md"
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "cms.settings.production",
    "SECRET_KEY": "k3y-" + "x7Qp9rT2vW5yZ8bC1dF4gH6jK0mN3pS5uV8wX1zA4cE7fI0lO" * 2,
    "ALLOWED_HOSTS": "cho.nghean.example.vn",
}
# Services where nothing listens: nothing here connects to them.
SCALE_OUT = {
    "DATABASE_URL": "postgres://market@127.0.0.1:1/market",
    "REDIS_URL": "redis://127.0.0.1:1/0",
    "CACHE_KEY_PREFIX": "cho",
    "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
    "AWS_STORAGE_BUCKET_NAME": "cho-media",
    "AWS_S3_ENDPOINT_URL": "https://s3.example.net",
    "AWS_S3_REGION_NAME": "vn-north-1",
    "AWS_ACCESS_KEY_ID": "cho-media-writer",
    "AWS_SECRET_ACCESS_KEY": "not-a-real-secret",
}
RESOLVE = """
import json
import django
django.setup()
from django.conf import settings
from django.core.files.storage import default_storage
from django_tasks import task_backends
print(json.dumps({
    "CACHES": settings.CACHES,
    "SESSION_ENGINE": settings.SESSION_ENGINE,
    "SESSION_CACHE_ALIAS": settings.SESSION_CACHE_ALIAS,
    "STORAGES": settings.STORAGES,
    "media_url": default_storage.url("original_images/cam.jpg"),
    "task_backend": type(task_backends["default"]).__module__ + "."
        + type(task_backends["default"]).__name__,
    "WAGTAILSEARCH_BACKENDS": settings.WAGTAILSEARCH_BACKENDS,
}))
"""


def _environment(**variables) -> dict:
    """This process's environment without anything the settings read, plus
    `variables`."""
    read = set(settings_variables())
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in read and not k.startswith(("AWS_", "DJANGO_"))
    }
    return {**base, **PRODUCTION, **variables}


def run(args: list[str], **variables) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=_environment(**variables),
        capture_output=True,
        text=True,
        timeout=120,
    )


def resolved(**variables) -> dict:
    result = run(["-c", RESOLVE], **variables)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def settings_variables() -> list[str]:
    """Every environment variable the project's own code reads."""
    pattern = re.compile(
        r"""os\.environ(?:\.get|\.setdefault)?\s*[(\[]\s*["']([A-Z][A-Z0-9_]*)["']"""
    )
    names = set()
    for package in ("cms", "market", "producers"):
        for path in (ROOT / package).rglob("*.py"):
            names.update(pattern.findall(path.read_text()))
    names.update(pattern.findall((ROOT / "manage.py").read_text()))
    return sorted(names)


def test_without_services_one_process_keeps_everything_to_itself():
    config = resolved()

    assert config["CACHES"] == {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    }
    assert config["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"
    assert config["STORAGES"]["default"] == {
        "BACKEND": "django.core.files.storage.FileSystemStorage"
    }
    assert config["media_url"] == "/media/original_images/cam.jpg"
    assert config["task_backend"] == "django_tasks.backends.immediate.ImmediateBackend"
    assert config["WAGTAILSEARCH_BACKENDS"]["default"] == {
        "BACKEND": "wagtail.search.backends.database",
        "SEARCH_CONFIG": "simple",
    }


def test_redis_holds_the_shared_cache_and_reads_sessions_kept_in_the_database():
    config = resolved(REDIS_URL=SCALE_OUT["REDIS_URL"], CACHE_KEY_PREFIX="cho")

    default, sessions = config["CACHES"]["default"], config["CACHES"]["sessions"]
    assert default["BACKEND"] == sessions["BACKEND"] == "django_redis.cache.RedisCache"
    assert default["LOCATION"] == sessions["LOCATION"] == SCALE_OUT["REDIS_URL"]
    assert default["KEY_PREFIX"] == "cho"
    assert sessions["KEY_PREFIX"] == "cho:sessions"
    assert default["OPTIONS"]["SOCKET_CONNECT_TIMEOUT"] > 0
    assert default["OPTIONS"]["SOCKET_TIMEOUT"] > 0
    assert config["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"
    assert config["SESSION_CACHE_ALIAS"] == "sessions"


def test_the_cache_key_prefix_has_a_default():
    config = resolved(REDIS_URL=SCALE_OUT["REDIS_URL"])

    assert config["CACHES"]["default"]["KEY_PREFIX"] == "nsa"


def test_a_bucket_takes_the_uploads():
    config = resolved(
        **{k: v for k, v in SCALE_OUT.items() if k.startswith("AWS_")},
        AWS_S3_ADDRESSING_STYLE="path",
    )

    storage = config["STORAGES"]["default"]
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert (
        storage["OPTIONS"]
        | {
            "bucket_name": "cho-media",
            "endpoint_url": "https://s3.example.net",
            "region_name": "vn-north-1",
            "addressing_style": "path",
            "location": "media",
            "querystring_auth": False,
            "file_overwrite": False,
        }
        == storage["OPTIONS"]
    )
    # Plain, cacheable addresses in the bucket, not signed ones that expire.
    assert config["media_url"] == (
        "https://s3.example.net/cho-media/media/original_images/cam.jpg"
    )
    # Static files stay with the app (WhiteNoise).
    assert config["STORAGES"]["staticfiles"]["BACKEND"].startswith("whitenoise.")


def test_media_urls_can_name_a_cdn():
    config = resolved(
        AWS_STORAGE_BUCKET_NAME="cho-media",
        AWS_S3_CUSTOM_DOMAIN="media.example.net",
        AWS_LOCATION="",
    )

    assert config["media_url"] == "https://media.example.net/original_images/cam.jpg"


def test_the_database_task_backend_is_chosen_by_the_environment():
    config = resolved(TASKS_BACKEND=SCALE_OUT["TASKS_BACKEND"])

    assert config["task_backend"] == "django_tasks_db.backend.DatabaseBackend"


def test_a_search_cluster_replaces_the_database_search():
    config = resolved(
        WAGTAILSEARCH_URL="https://search-1.example.net,https://search-2.example.net",
        WAGTAILSEARCH_INDEX_PREFIX="cho_",
    )

    assert config["WAGTAILSEARCH_BACKENDS"]["default"] == {
        "BACKEND": "wagtail.search.backends.opensearch3",
        "URLS": ["https://search-1.example.net", "https://search-2.example.net"],
        "INDEX_PREFIX": "cho_",
        "TIMEOUT": 5,
    }


def test_the_scaled_out_settings_pass_the_deployment_checks():
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **SCALE_OUT
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("name", settings_variables())
def test_every_variable_the_code_reads_is_documented(name):
    table_rows = [
        line for line in DEPLOY_DOC.read_text().splitlines() if line.startswith("|")
    ]
    assert any(f"`{name}`" in row for row in table_rows), (
        f"{name} is read from the environment but not in docs/deploy.md's table"
    )
