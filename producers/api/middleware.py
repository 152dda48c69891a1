"""HTTP behaviour of the JSON API that sits around the endpoints.

`ApiConditionalGetMiddleware`: every successful GET under the API gets an ETag
and a Cache-Control header, and `If-None-Match` gets `304 Not Modified`.

`IdempotencyMiddleware`: a POST with an `Idempotency-Key` header runs in one
transaction with the record of its answer, so a retry (same key, same token)
gets the stored answer and never does the work twice, even when the two
arrive at the same moment (the second waits on the key's unique index).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse, JsonResponse
from django.middleware.http import ConditionalGetMiddleware
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _

from ..models import ApiIdempotencyKey
from .base import IDEMPOTENCY_HEADER

MAX_KEY_LENGTH = 255


def is_api_path(path: str) -> bool:
    return path.startswith(settings.MARKET_API_PREFIX)


class ApiLanguageMiddleware:
    """API answers speak the client's language (`Accept-Language`, vi or en).

    The site's own pages take the language from the address ("/en/..."), and
    LocaleMiddleware gives every unprefixed address Vietnamese; the API has
    one address for both, so the header decides there.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_api_path(request.path):
            language = translation.get_language_from_request(request)
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


class ApiConditionalGetMiddleware(ConditionalGetMiddleware):
    def __call__(self, request):
        if request.method != "HEAD" or not is_api_path(request.path):
            return super().__call__(request)
        # A HEAD is the GET's headers without its body (endpoints answer GET only).
        request.method = "GET"
        try:
            response = super().__call__(request)
        finally:
            request.method = "HEAD"
        if not response.streaming:
            length = len(response.content)
            response.content = b""
            response["Content-Length"] = str(length)
        return response

    def process_response(self, request, response):
        if not is_api_path(request.path) or request.method not in ("GET", "HEAD"):
            return response
        if response.status_code == 200 and not response.has_header("Cache-Control"):
            if "HTTP_AUTHORIZATION" in request.META:
                patch_cache_control(response, private=True, no_cache=True)
            else:
                patch_cache_control(
                    response, public=True, max_age=settings.MARKET_API_CACHE_SECONDS
                )
        # Messages follow the reader's language.
        patch_vary_headers(response, ["Accept-Language", "Authorization"])
        return super().process_response(request, response)


def _error(status: int, detail: str, **headers) -> JsonResponse:
    response = JsonResponse({"detail": detail, "errors": []}, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


class IdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.headers.get(IDEMPOTENCY_HEADER)
        if request.method != "POST" or key is None or not is_api_path(request.path):
            return self.get_response(request)
        key = key.strip()
        if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
            return _error(
                400,
                _("Idempotency-Key phải có từ 1 đến %(max)d ký tự in được.")
                % {"max": MAX_KEY_LENGTH},
            )
        authorization = request.META.get("HTTP_AUTHORIZATION", "")
        scope = hashlib.sha256(authorization.encode("utf-8", "replace")).hexdigest()
        fingerprint = hashlib.sha256(
            request.method.encode()
            + b" "
            + request.get_full_path().encode("utf-8", "replace")
            + b"\n"
            + request.body
        ).hexdigest()
        ApiIdempotencyKey.objects.filter(
            created_at__lt=timezone.now() - ApiIdempotencyKey.EXPIRY
        ).delete()
        try:
            with transaction.atomic():
                record = ApiIdempotencyKey.objects.create(
                    scope=scope,
                    key=key,
                    method=request.method,
                    path=request.path[:500],
                    request_hash=fingerprint,
                    status_code=0,
                )
                response = self.get_response(request)
                if response.status_code >= 500 or response.status_code in (401, 429):
                    # Nothing was done, or it failed: let the client try again.
                    transaction.set_rollback(True)
                    return response
                record.status_code = response.status_code
                record.content_type = response.get("Content-Type", "")
                record.content = bytes(response.content)
                record.save(update_fields=["status_code", "content_type", "content"])
                return response
        except IntegrityError:
            # The key was used before (or a twin request just committed it).
            pass
        earlier = ApiIdempotencyKey.objects.filter(scope=scope, key=key).first()
        if earlier is None:
            return _error(
                409,
                _("Yêu cầu cùng khóa đang được xử lý; thử lại sau."),
                Retry_After="1",
            )
        if earlier.request_hash != fingerprint:
            return _error(
                422,
                _(
                    "Idempotency-Key này đã dùng cho một yêu cầu khác; "
                    "mỗi thao tác cần một khóa riêng."
                ),
            )
        replay = HttpResponse(
            bytes(earlier.content),
            status=earlier.status_code,
            content_type=earlier.content_type or "application/json",
        )
        replay["Idempotent-Replayed"] = "true"
        return replay
