from django.db import connection
from django.test.utils import CaptureQueriesContext


def test_health_answers_ok_without_touching_the_database(client, db):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")
    assert len(queries) == 0
