import pytest

from tests.market.factories import ProductFactory


@pytest.mark.django_db
def test_catalogue_lists_a_published_product(client):
    ProductFactory(name="Chè xanh Thanh Chương")
    response = client.get("/san-pham/")
    assert response.status_code == 200
    assert "Chè xanh Thanh Chương" in response.content.decode()
