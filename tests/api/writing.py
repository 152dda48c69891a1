"""Helpers for the write API tests: JSON requests with a token, two cooperatives."""

import json
from dataclasses import dataclass

from producers.models import ApiToken, Cooperative
from tests.api.conftest import bearer
from tests.producers.factories import CooperativeFactory

# Names only cooperative B's data carries: none may appear in an answer to A.
MARKER = "ZZBMARKER"


def send(client, method: str, path: str, key: str, body=None, **headers):
    """A JSON request with the bearer token `key`; extra headers as HTTP_*."""
    data = json.dumps(body) if body is not None else ""
    return getattr(client, method)(
        path,
        data=data,
        content_type="application/json",
        **bearer(key),
        **headers,
    )


def post(client, path, key, body=None, idempotency_key=None):
    extra = {"HTTP_IDEMPOTENCY_KEY": idempotency_key} if idempotency_key else {}
    return send(client, "post", path, key, body, **extra)


def patch(client, path, key, body=None):
    return send(client, "patch", path, key, body)


def get(client, path, key):
    return client.get(path, **bearer(key))


def error_fields(response) -> set:
    return {error["field"] for error in response.json()["errors"]}


@dataclass
class TwoCooperatives:
    a: Cooperative
    b: Cooperative
    token: ApiToken
    key: str


def two_cooperatives(issue_token) -> TwoCooperatives:
    """Cooperative A with a token, and cooperative B whose names carry MARKER."""
    a = CooperativeFactory(name="HTX Chè Thanh Chương")
    b = CooperativeFactory(name=f"HTX Cam {MARKER}", slug=f"htx-{MARKER.lower()}")
    token, key = issue_token(a, name="Phần mềm kho")
    return TwoCooperatives(a=a, b=b, token=token, key=key)
