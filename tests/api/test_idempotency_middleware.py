"""The Idempotency-Key middleware on its own: one POST's work is done once.

The wrapped view creates a real row (a category) so the tests count what was
written, not what a stand-in says it did.
"""

import json

import pytest
from django.http import HttpResponse, JsonResponse
from django.test import RequestFactory

from market.models import Category
from producers.api.middleware import IdempotencyMiddleware
from producers.models import ApiIdempotencyKey
from tests.transactional import at_once

factory = RequestFactory()


def create_category(request):
    slug = f"hang-{Category.objects.count() + 1}"
    category = Category.objects.create(name=slug, slug=slug)
    return JsonResponse({"id": category.pk}, status=201)


def post(key, body='{"a": 1}', authorization="Bearer nsa_one", path="/api/v1/x"):
    headers = {"HTTP_AUTHORIZATION": authorization}
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return factory.post(path, body, content_type="application/json", **headers)


@pytest.mark.django_db
def test_a_retry_gets_the_first_answer_and_nothing_is_done_twice():
    middleware = IdempotencyMiddleware(create_category)
    first = middleware(post("k-1"))
    again = middleware(post("k-1"))
    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert not first.has_header("Idempotent-Replayed")
    assert Category.objects.count() == 1


@pytest.mark.django_db
def test_keys_are_per_token_and_per_key():
    middleware = IdempotencyMiddleware(create_category)
    middleware(post("k-1"))
    middleware(post("k-1", authorization="Bearer nsa_two"))
    middleware(post("k-2"))
    middleware(post(None))
    assert Category.objects.count() == 4


@pytest.mark.django_db
def test_the_same_key_for_another_request_is_refused():
    middleware = IdempotencyMiddleware(create_category)
    middleware(post("k-1", body='{"a": 1}'))
    other = middleware(post("k-1", body='{"a": 2}'))
    assert other.status_code == 422
    assert "Idempotency-Key" in json.loads(other.content)["detail"]
    assert Category.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", " ", "x" * 256, "a\x00b"])
def test_an_unusable_key_is_a_clear_400(key):
    response = IdempotencyMiddleware(create_category)(post(key))
    assert response.status_code == 400
    assert json.loads(response.content)["detail"]
    assert Category.objects.count() == 0


@pytest.mark.django_db
def test_a_failed_request_leaves_nothing_and_may_be_retried():
    def fail_after_writing(request):
        create_category(request)
        return HttpResponse("boom", status=500)

    failed = IdempotencyMiddleware(fail_after_writing)(post("k-1"))
    assert failed.status_code == 500
    assert Category.objects.count() == 0
    assert not ApiIdempotencyKey.objects.exists()
    retried = IdempotencyMiddleware(create_category)(post("k-1"))
    assert retried.status_code == 201
    assert Category.objects.count() == 1


@pytest.mark.django_db
def test_outside_the_api_and_for_reads_the_header_is_ignored():
    middleware = IdempotencyMiddleware(create_category)
    middleware(post("k-1", path="/gio-hang/"))
    middleware(post("k-1", path="/gio-hang/"))
    get = factory.get("/api/v1/x", HTTP_IDEMPOTENCY_KEY="k-1")
    middleware(get)
    middleware(get)
    assert Category.objects.count() == 4
    assert not ApiIdempotencyKey.objects.exists()


@pytest.mark.usefixtures("committed_db")
def test_two_retries_at_the_same_moment_do_the_work_once():
    """Both requests race for the key; the loser waits and replays the winner."""
    answers = at_once(
        *[lambda: IdempotencyMiddleware(create_category)(post("same"))] * 6
    )
    assert all(isinstance(answer, HttpResponse) for answer in answers), answers
    statuses = sorted(answer.status_code for answer in answers)
    bodies = {answer.content for answer in answers if answer.status_code == 201}
    assert Category.objects.count() == 1
    # Everyone who got an answer got the same one; a request that arrived
    # while the first was still running may be told to retry (409).
    assert len(bodies) == 1
    assert set(statuses) <= {201, 409}
    assert statuses.count(201) >= 1
