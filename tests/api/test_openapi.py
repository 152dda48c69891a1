"""Schemathesis over the whole /api/v1/openapi.json: no 500, no schema violation.

Every operation in the schema gets a few generated requests (derandomized, so
a run is reproducible), sent straight to Django's WSGI application inside the
test's transaction, with a cooperative's token and some data to find. Path
parameters are also replaced by ones that exist, so the 200 answers are
checked against their schemas and not only the 404s.
"""

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from market.models import Fulfilment
from tests.api.conftest import bearer
from tests.market.factories import ProductFactory
from tests.market.orders import place
from tests.producers.factories import CooperativeFactory
from tests.producers.lot_histories import (
    certify,
    pooled_lot,
    record_full_history,
    tea_lot,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def in_test_transaction():
    """Let the WSGI application run inside the test's transaction.

    Django closes the connection at the end of every request, which would end
    the test's transaction; its own test client turns that off the same way.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_data(db, in_test_transaction, issue_token, settings):
    """Two cooperatives with products, lots with events, an order to fulfil."""
    settings.ALLOWED_HOSTS = ["*"]
    lot = tea_lot("CHE-2025-11-A")
    cooperative = lot.cooperative
    certify(lot)
    record_full_history(lot)
    packed, _first, _second = pooled_lot()
    other = CooperativeFactory(name="HTX Cam Vinh", slug="htx-cam-vinh")
    tea = ProductFactory(
        name="Chè búp khô", slug="che-bup-kho", cooperative=cooperative, stock=50
    )
    tea.lots.add(lot)
    tea.save()
    ProductFactory(
        name="Chè nháp", slug="che-nhap", cooperative=cooperative, live=False
    )
    orange = ProductFactory(name="Cam Vinh", slug="cam-vinh", cooperative=other)
    order = place([(tea, 2), (orange, 1)])
    fulfilment = Fulfilment.objects.filter(order=order, cooperative=cooperative).get()
    _token, key = issue_token(cooperative)
    return {
        "headers": {"Authorization": bearer(key)["HTTP_AUTHORIZATION"]},
        "path": {
            "slug": "che-bup-kho",
            "public_id": lot.public_id,
            "code": lot.code,
            "fulfilment_id": fulfilment.pk,
            "action": "confirm",
        },
        "cooperative_slug": cooperative.slug,
        "packed": packed,
    }


def known_path_parameters(case, data) -> dict | None:
    """The case's path parameters with each replaced by one that exists."""
    if not case.path_parameters:
        return None
    known = dict(case.path_parameters)
    for name in known:
        if name in data["path"]:
            known[name] = data["path"][name]
    if case.path.startswith("/api/v1/cooperatives/"):
        known["slug"] = data["cooperative_slug"]
    return known if known != case.path_parameters else None


@schema.parametrize()
@hypothesis.settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(hypothesis.HealthCheck),
    phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
)
def test_api_answers_within_its_schema(case, api_data):
    headers = dict(api_data["headers"])
    case.call_and_validate(headers=headers, checks=CHECKS)
    known = known_path_parameters(case, api_data)
    if known is not None:
        case.path_parameters = known
        case.call_and_validate(headers=headers, checks=CHECKS)
