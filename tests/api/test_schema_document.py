"""The OpenAPI document itself: valid JSON for any reader, and truthful extras."""

import json

import pytest


def _no_duplicate_keys(pairs):
    keys = [key for key, _value in pairs]
    assert len(keys) == len(set(keys)), f"duplicated keys: {keys}"
    return dict(pairs)


@pytest.fixture
def schema(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    # Browsers' YAML/JSON parsers (Swagger UI) refuse a key given twice.
    return json.loads(response.content, object_pairs_hook=_no_duplicate_keys)


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_every_operation_may_be_throttled_and_says_so(schema):
    for path, method, operation in operations(schema):
        assert "429" in operation["responses"], (method, path)


def test_token_operations_document_401_and_public_ones_do_not(schema):
    for path, method, operation in operations(schema):
        has_token = bool(operation.get("security"))
        assert has_token == path.startswith("/api/v1/me"), (method, path)
        assert ("401" in operation["responses"]) == has_token, (method, path)


def test_every_post_takes_an_idempotency_key(schema):
    posts = [op for _path, method, op in operations(schema) if method == "post"]
    assert posts
    for operation in posts:
        names = [p["name"] for p in operation["parameters"] if p["in"] == "header"]
        assert names.count("Idempotency-Key") == 1
        assert {"400", "409", "422"} <= set(operation["responses"])
