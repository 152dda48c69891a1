"""API answers follow Accept-Language; the site's pages keep their addresses."""

import pytest


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("accept", "detail", "content_language"),
    [
        ("", "Dữ liệu không hợp lệ.", "vi"),
        ("vi", "Dữ liệu không hợp lệ.", "vi"),
        ("en-GB,en;q=0.9", "Invalid data.", "en"),
    ],
)
def test_errors_speak_the_clients_language(client, accept, detail, content_language):
    headers = {"HTTP_ACCEPT_LANGUAGE": accept} if accept else {}
    response = client.get("/api/v1/products?price_min=x", **headers)
    assert response.status_code == 422
    assert response.json()["detail"] == detail
    assert response["Content-Language"] == content_language
    assert "Accept-Language" in response["Vary"]


@pytest.mark.django_db
def test_an_english_header_does_not_turn_the_vietnamese_site_english(client):
    response = client.get("/san-pham/", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "vi"
