"""Fixtures for the JSON API tests: cooperatives with tokens, and a client."""

import pytest

from producers.models import ApiToken
from tests.producers.factories import CooperativeFactory, UserFactory


def bearer(key: str) -> dict:
    """Client keyword arguments that send `key` as the bearer token."""
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.fixture
def issue_token(db):
    """issue_token(cooperative, name="…") -> (ApiToken, secret)."""

    def issue(cooperative=None, name="Phần mềm kho"):
        cooperative = cooperative or CooperativeFactory()
        return ApiToken.issue(cooperative=cooperative, name=name, user=UserFactory())

    return issue
