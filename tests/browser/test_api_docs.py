"""The API's interactive documentation (Swagger UI at /api/v1/docs)."""

import json
import re

from playwright.sync_api import expect

from tests.market.factories import CategoryFactory, ProductFactory
from tests.producers.factories import CooperativeFactory

OPERATIONS = [
    ("GET", "/api/v1/products"),
    ("GET", "/api/v1/cooperatives/{slug}"),
    ("GET", "/api/v1/lots/{public_id}/epcis"),
    ("POST", "/api/v1/me/lots/{code}/events"),
]


def test_docs_list_the_operations_and_try_one_out(page, site_url, screenshot):
    cooperative = CooperativeFactory(name="HTX Chè Thanh Chương", slug="htx-che")
    ProductFactory(
        name="Chè búp khô Thanh Chương",
        slug="che-bup-kho",
        cooperative=cooperative,
        category=CategoryFactory(name="Chè", slug="che"),
    )
    outside = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if not request.url.startswith(site_url)
            else None
        ),
    )
    response = page.goto(f"{site_url}/api/v1/docs")
    assert response.status == 200
    expect(page.locator(".swagger-ui .info .title")).to_contain_text(
        "Chợ Nông Sản Nghệ An API"
    )
    for method, path in OPERATIONS:
        block = page.locator(f".opblock-{method.lower()}").filter(
            has=page.locator(f'[data-path="{path}"]')
        )
        expect(block.first).to_be_visible()
    screenshot("api-docs")

    # Open the product list, try it out with a query without diacritics.
    products = page.locator("#operations-catalogue-market_api_products_list_products")
    products.locator(".opblock-summary").click()
    products.get_by_role("button", name="Try it out").click()
    products.locator('input[placeholder="q"]').fill("che")
    products.get_by_role("button", name="Execute").click()
    body = products.locator(".responses-wrapper .live-responses-table .microlight")
    expect(body.first).to_contain_text("che-bup-kho")
    answer = json.loads(body.first.inner_text())
    assert answer["count"] == 1
    assert [item["slug"] for item in answer["results"]] == ["che-bup-kho"]
    screenshot("api-docs-try-products")
    # Swagger UI's scripts and styles come from this site, not from a CDN.
    assert not [url for url in outside if not re.match(r"^(data|blob):", url)]
