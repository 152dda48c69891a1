"""HTTP around the read endpoints: ETag/304, CORS, rate limits, docs, CMS pages."""

import re

import pytest
from django.contrib.staticfiles import finders

from tests.api.conftest import bearer
from tests.cms.site_pages import district_site, draft, news_post
from tests.market.factories import ProductFactory
from tests.producers.factories import CooperativeFactory, LotFactory

ORIGIN = "https://example.org"


@pytest.fixture
def catalogue(db):
    cooperative = CooperativeFactory(slug="htx-che")
    ProductFactory(name="Chè búp khô", slug="che-bup-kho", cooperative=cooperative)
    lot = LotFactory(cooperative=cooperative)
    return cooperative, lot


def read_paths(catalogue) -> list[str]:
    cooperative, lot = catalogue
    return [
        "/api/v1/categories",
        "/api/v1/products?q=che",
        "/api/v1/products/che-bup-kho",
        "/api/v1/cooperatives",
        f"/api/v1/cooperatives/{cooperative.slug}",
        "/api/v1/lots",
        f"/api/v1/lots/{lot.public_id}",
        f"/api/v1/lots/{lot.public_id}/epcis",
    ]


# -- ETag and 304 -------------------------------------------------------------


def test_every_read_has_an_etag_and_a_repeat_gets_304(client, catalogue):
    for path in read_paths(catalogue):
        first = client.get(path)
        assert first.status_code == 200, path
        etag = first["ETag"]
        assert etag, path
        assert "public" in first["Cache-Control"]
        again = client.get(path, HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304, path
        assert again.content == b""
        assert again["ETag"] == etag


def test_an_epcis_document_keeps_its_etag_until_the_history_changes(client, db):
    from tests.producers.lot_histories import record_full_history, tea_lot

    lot = tea_lot()
    path = f"/api/v1/lots/{lot.public_id}/epcis"
    empty = client.get(path)["ETag"]
    record_full_history(lot)
    first = client.get(path)
    assert first["ETag"] != empty
    assert client.get(path, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_the_etag_changes_when_the_data_changes(client, catalogue):
    first = client.get("/api/v1/products/che-bup-kho")
    ProductFactory._meta.model.objects.filter(slug="che-bup-kho").update(stock=3)
    changed = client.get(
        "/api/v1/products/che-bup-kho", HTTP_IF_NONE_MATCH=first["ETag"]
    )
    assert changed.status_code == 200
    assert changed.json()["stock"] == 3
    assert changed["ETag"] != first["ETag"]


def test_answers_with_a_token_are_not_cached_by_shared_caches(client, issue_token):
    _token, key = issue_token()
    response = client.get("/api/v1/me", **bearer(key))
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "Authorization" in response["Vary"]
    assert (
        client.get(
            "/api/v1/me", HTTP_IF_NONE_MATCH=response["ETag"], **bearer(key)
        ).status_code
        == 304
    )


# -- CORS ---------------------------------------------------------------------


def test_reads_are_open_to_any_origin(client, catalogue):
    for path in read_paths(catalogue):
        response = client.get(path, HTTP_ORIGIN=ORIGIN)
        assert response["Access-Control-Allow-Origin"] in ("*", ORIGIN), path
    exposed = client.get("/api/v1/products", HTTP_ORIGIN=ORIGIN)[
        "Access-Control-Expose-Headers"
    ]
    assert "ETag" in exposed
    assert "Retry-After" in exposed


def test_a_preflight_for_get_is_allowed_and_for_writes_is_not(client, db):
    get = client.options(
        "/api/v1/products",
        HTTP_ORIGIN=ORIGIN,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert get.status_code == 200
    allowed = {m.strip() for m in get["Access-Control-Allow-Methods"].split(",")}
    assert "GET" in allowed
    for method, path in (
        ("POST", "/api/v1/me/lots"),
        ("PATCH", "/api/v1/me/products/che-bup-kho"),
    ):
        preflight = client.options(
            path,
            HTTP_ORIGIN=ORIGIN,
            HTTP_ACCESS_CONTROL_REQUEST_METHOD=method,
            HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type",
        )
        allowed = {
            m.strip()
            for m in preflight.get("Access-Control-Allow-Methods", "").split(",")
        }
        assert method not in allowed
        assert allowed <= {"GET", "HEAD", "OPTIONS", ""}


def test_pages_outside_the_api_get_no_cors_headers(client, db):
    response = client.get("/san-pham/", HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 200
    assert not response.has_header("Access-Control-Allow-Origin")


# -- rate limits --------------------------------------------------------------


def _assert_throttled(response):
    assert response.status_code == 429
    assert re.fullmatch(r"[1-9][0-9]*", response["Retry-After"])
    assert int(response["Retry-After"]) <= 60
    body = response.json()
    assert body["detail"]
    assert body["errors"] == []


def test_the_fourth_anonymous_request_in_a_minute_gets_429(client, catalogue, settings):
    settings.MARKET_API_RATES = {"anonymous": "3/m", "token": "3/m"}
    paths = read_paths(catalogue)
    for path in paths[:3]:
        assert client.get(path).status_code == 200
    response = client.get(paths[3], HTTP_ORIGIN=ORIGIN)
    _assert_throttled(response)
    # A browser app on another site can read the wait too.
    assert response["Access-Control-Allow-Origin"] in ("*", ORIGIN)
    assert "Retry-After" in response["Access-Control-Expose-Headers"]
    # Another address has its own allowance.
    assert client.get(paths[0], REMOTE_ADDR="192.0.2.7").status_code == 200


def test_each_token_has_its_own_allowance(client, issue_token, settings):
    settings.MARKET_API_RATES = {"anonymous": "3/m", "token": "3/m"}
    _first, first_key = issue_token()
    _second, second_key = issue_token()
    for _round in range(3):
        assert client.get("/api/v1/me", **bearer(first_key)).status_code == 200
    _assert_throttled(client.get("/api/v1/me", **bearer(first_key)))
    assert client.get("/api/v1/me", **bearer(second_key)).status_code == 200


# -- docs and schema ----------------------------------------------------------


def test_interactive_docs_use_local_static_files(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert "/static/ninja/swagger-ui-bundle.js" in urls
    assert "/static/ninja/swagger-ui.css" in urls
    for url in urls:
        assert url.startswith("/"), url  # nothing from a CDN or another host
    for url in urls:
        if url.startswith("/static/"):
            assert finders.find(url.removeprefix("/static/")), url
    assert "/api/v1/openapi.json" in html


def test_openapi_schema_lists_every_public_and_token_endpoint(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    assert {
        "/api/v1/categories",
        "/api/v1/products",
        "/api/v1/products/{slug}",
        "/api/v1/cooperatives",
        "/api/v1/cooperatives/{slug}",
        "/api/v1/lots",
        "/api/v1/lots/{public_id}",
        "/api/v1/lots/{public_id}/epcis",
        "/api/v1/me",
    } <= paths
    epcis = schema["paths"]["/api/v1/lots/{public_id}/epcis"]["get"]
    assert set(epcis["responses"]["200"]["content"]) == {"application/ld+json"}
    products = schema["paths"]["/api/v1/products"]["get"]
    parameters = {p["name"] for p in products["parameters"]}
    assert {"q", "category", "sort", "page", "page_size", "in_stock"} <= parameters


# -- CMS pages through Wagtail's API --------------------------------------------


def test_cms_pages_are_listed_by_wagtails_api(client, committed_db):
    site = district_site()
    post = news_post(site.news, "Chè Thanh Chương đạt OCOP 4 sao")
    hidden = draft(site.news, type(post)(title="Bản nháp chưa đăng", slug="ban-nhap"))
    response = client.get("/api/v1/cms/pages/", {"limit": 20})
    assert response.status_code == 200
    titles = {item["title"] for item in response.json()["items"]}
    assert {
        "Chợ Nông Sản Nghệ An",
        "Tin tức",
        "Giới thiệu",
        "Chè Thanh Chương đạt OCOP 4 sao",
    } <= titles
    assert hidden.title not in titles
    detail = client.get(f"/api/v1/cms/pages/{site.about.pk}/")
    assert detail.status_code == 200
    about = detail.json()
    assert about["title"] == "Giới thiệu"
    assert "Sàn của các hợp tác xã" in about["intro"]
    assert client.get(f"/api/v1/cms/pages/{hidden.pk}/").status_code == 404
    cors = client.get("/api/v1/cms/pages/", HTTP_ORIGIN=ORIGIN)
    assert cors["Access-Control-Allow-Origin"] in ("*", ORIGIN)
