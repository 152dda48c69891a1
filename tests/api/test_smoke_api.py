from tests.api.conftest import bearer


def test_token_reaches_me(client, issue_token):
    token, key = issue_token()
    response = client.get("/api/v1/me", **bearer(key))
    assert response.status_code == 200
    assert response.json()["slug"] == token.cooperative.slug
    assert client.get("/api/v1/me").status_code == 401
    token.revoke()
    assert client.get("/api/v1/me", **bearer(key)).status_code == 401
