"""What every endpoint of the JSON API shares.

- `MarketAPI`: the NinjaAPI with our error format, throttles and the
  `Idempotency-Key` header documented on every POST.
- Errors are JSON: ``{"detail": "...", "errors": [{"field", "message",
  "location"}]}``; validation errors are 422 and name the field.
- `Pages`: page-number pagination with totals and next/previous links.
- `CooperativeToken`: ``Authorization: Bearer nsa_...``; `request.auth` is the
  `ApiToken`, and `request.auth.cooperative` the only cooperative it reaches.
"""

import math
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import PaginationBase
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer
from ninja.throttling import AnonRateThrottle, SimpleRateThrottle
from pydantic import ConfigDict

from ..models import ApiToken

# Names given to body parameters in handlers; left out of error field paths.
BODY_PARAMETER_NAMES = {"payload"}
IDEMPOTENCY_HEADER = "Idempotency-Key"


# -- errors -------------------------------------------------------------------


class FieldError(Schema):
    field: str | None = Field(
        None, description="Tên trường (dấu chấm cho trường lồng nhau)."
    )
    message: str
    location: str | None = Field(None, description="body, query, path hoặc header.")


class ErrorOut(Schema):
    detail: str
    errors: list[FieldError] = []


class ApiValidationError(Exception):
    """Refuse a request with 422 and messages per field."""

    def __init__(self, errors: dict[str, list[str] | str], location: str = "body"):
        self.errors = errors
        self.location = location
        super().__init__(str(errors))

    @classmethod
    def from_django(cls, error: DjangoValidationError, location: str = "body"):
        if hasattr(error, "error_dict"):
            return cls(
                {
                    field: [str(m) for m in messages]
                    for field, messages in error.message_dict.items()
                },
                location,
            )
        return cls({"__all__": [str(m) for m in error.messages]}, location)


def error_response(
    api: NinjaAPI, request, status: int, detail: str, errors=(), **headers
) -> HttpResponse:
    response = api.create_response(
        request, {"detail": str(detail), "errors": list(errors)}, status=status
    )
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _field_path(loc) -> tuple[str | None, str | None]:
    parts = [str(part) for part in loc]
    location = (
        parts[0] if parts and parts[0] in {"body", "query", "path", "header"} else None
    )
    rest = parts[1:] if location else parts
    rest = [part for part in rest if part not in BODY_PARAMETER_NAMES]
    return location, ".".join(rest) or None


# Pydantic's messages are English; the common ones in the reader's language.
PYDANTIC_MESSAGES = {
    "missing": _lazy("Thiếu trường này."),
    "int_parsing": _lazy("Nhập một số nguyên."),
    "int_type": _lazy("Nhập một số nguyên."),
    "int_from_float": _lazy("Nhập một số nguyên."),
    "float_parsing": _lazy("Nhập một số."),
    "float_type": _lazy("Nhập một số."),
    "decimal_parsing": _lazy("Nhập một số."),
    "decimal_type": _lazy("Nhập một số."),
    "bool_parsing": _lazy("Nhập true hoặc false."),
    "bool_type": _lazy("Nhập true hoặc false."),
    "string_type": _lazy("Nhập một chuỗi ký tự."),
    "string_too_long": _lazy("Dài quá %(max_length)s ký tự."),
    "string_too_short": _lazy("Cần ít nhất %(min_length)s ký tự."),
    "greater_than_equal": _lazy("Phải lớn hơn hoặc bằng %(ge)s."),
    "greater_than": _lazy("Phải lớn hơn %(gt)s."),
    "less_than_equal": _lazy("Phải nhỏ hơn hoặc bằng %(le)s."),
    "less_than": _lazy("Phải nhỏ hơn %(lt)s."),
    "literal_error": _lazy("Chọn một trong: %(expected)s."),
    "enum": _lazy("Chọn một trong: %(expected)s."),
    "date_parsing": _lazy("Nhập ngày dạng YYYY-MM-DD."),
    "date_from_datetime_parsing": _lazy("Nhập ngày dạng YYYY-MM-DD."),
    "date_type": _lazy("Nhập ngày dạng YYYY-MM-DD."),
    "datetime_parsing": _lazy(
        "Nhập thời điểm dạng ISO 8601, ví dụ 2026-11-20T07:30:00+07:00."
    ),
    "datetime_from_date_parsing": _lazy(
        "Nhập thời điểm dạng ISO 8601, ví dụ 2026-11-20T07:30:00+07:00."
    ),
    "datetime_type": _lazy(
        "Nhập thời điểm dạng ISO 8601, ví dụ 2026-11-20T07:30:00+07:00."
    ),
    "decimal_max_digits": _lazy("Số quá nhiều chữ số."),
    "decimal_max_places": _lazy("Quá nhiều chữ số thập phân."),
    "extra_forbidden": _lazy("Trường này không có."),
    "json_invalid": _lazy("Nội dung không phải JSON hợp lệ."),
    "model_attributes_type": _lazy("Cần một đối tượng JSON."),
    "dict_type": _lazy("Cần một đối tượng JSON."),
    "model_type": _lazy("Cần một đối tượng JSON."),
    "list_type": _lazy("Cần một danh sách."),
    "too_long": _lazy("Danh sách dài quá %(max_length)s mục."),
}


def pydantic_message(error: dict) -> str:
    template = PYDANTIC_MESSAGES.get(error.get("type", ""))
    if template is None:
        return str(error.get("msg", ""))
    context = {key: str(value) for key, value in (error.get("ctx") or {}).items()}
    if "expected" in context:
        # Pydantic joins the choices in English ("'a', 'b' or 'c'").
        context["expected"] = context["expected"].replace(" or ", ", ")
    try:
        return str(template) % context if "%(" in str(template) else str(template)
    except (KeyError, ValueError):
        return str(error.get("msg", ""))


def _ninja_validation_error(api):
    def handler(request, exc: NinjaValidationError):
        errors = []
        for error in exc.errors:
            location, field = _field_path(error.get("loc", ()))
            errors.append(
                {
                    "field": field,
                    "location": location,
                    "message": pydantic_message(error),
                }
            )
        return error_response(api, request, 422, _("Dữ liệu không hợp lệ."), errors)

    return handler


def _api_validation_error(api):
    def handler(request, exc: ApiValidationError):
        errors = []
        for field, messages in exc.errors.items():
            if isinstance(messages, str):
                messages = [messages]
            for message in messages:
                errors.append(
                    {
                        "field": None if field == "__all__" else field,
                        "location": exc.location,
                        "message": str(message),
                    }
                )
        return error_response(api, request, 422, _("Dữ liệu không hợp lệ."), errors)

    return handler


def install_error_handlers(api: NinjaAPI) -> None:
    api.add_exception_handler(NinjaValidationError, _ninja_validation_error(api))
    api.add_exception_handler(ApiValidationError, _api_validation_error(api))
    api.add_exception_handler(
        DjangoValidationError,
        lambda request, exc: _api_validation_error(api)(
            request, ApiValidationError.from_django(exc)
        ),
    )
    api.add_exception_handler(
        HttpError,
        lambda request, exc: error_response(api, request, exc.status_code, exc.message),
    )
    api.add_exception_handler(
        Http404,
        lambda request, exc: error_response(api, request, 404, _("Không tìm thấy.")),
    )
    api.add_exception_handler(
        PermissionDenied,
        lambda request, exc: error_response(
            api, request, 403, _("Không có quyền làm việc này.")
        ),
    )
    api.add_exception_handler(
        AuthenticationError,
        lambda request, exc: error_response(
            api,
            request,
            401,
            _("Cần mã truy cập API hợp lệ: Authorization: Bearer nsa_…"),
            WWW_Authenticate="Bearer",
        ),
    )

    def throttled(request, exc: Throttled):
        wait = math.ceil(exc.wait) if exc.wait else 1
        return error_response(
            api,
            request,
            429,
            _("Quá nhiều yêu cầu; thử lại sau %(seconds)d giây.") % {"seconds": wait},
            Retry_After=str(wait),
        )

    api.add_exception_handler(Throttled, throttled)


# -- authentication and throttling -------------------------------------------


class CooperativeToken(HttpBearer):
    """A cooperative's API token; `request.auth` becomes the `ApiToken`."""

    openapi_description = "Mã truy cập API của hợp tác xã (tạo trong trang quản trị)."

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        api_token = ApiToken.for_key(token.strip())
        if api_token is None:
            return None
        api_token.touch()
        return api_token


def token_cooperative(request):
    """The cooperative the request's token belongs to."""
    return request.auth.cooperative


def token_user(request):
    """Who the token's actions are recorded as: the person who created it."""
    return request.auth.created_by


class StrictSchema(Schema):
    """A request body in which a misspelt field is an error, not ignored."""

    model_config = ConfigDict(extra="forbid")


class SettingsRate:
    """Reads its rate from MARKET_API_RATES on every request (so it can change)."""

    rate_name: str

    def __init__(self):
        super().__init__(rate=settings.MARKET_API_RATES[self.rate_name])

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = settings.MARKET_API_RATES[self.rate_name]
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)


class AddressRateThrottle(SettingsRate, AnonRateThrottle):
    """Requests without a token, per client address."""

    rate_name = "anonymous"


class TokenRateThrottle(SettingsRate, SimpleRateThrottle):
    """Requests with a token, per token."""

    scope = "token"
    rate_name = "token"

    def get_cache_key(self, request: HttpRequest) -> str | None:
        token = getattr(request, "auth", None)
        if not isinstance(token, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": token.pk}


def throttles():
    return [AddressRateThrottle(), TokenRateThrottle()]


# -- pagination --------------------------------------------------------------


class Pages(PaginationBase):
    """`?page=` and `?page_size=` (at most MARKET_API_MAX_PAGE_SIZE), with totals."""

    items_attribute = "results"

    class Input(Schema):
        page: int = Field(1, ge=1, le=100_000, description="Số trang, từ 1.")
        page_size: int | None = Field(
            None, ge=1, le=100, description="Số mục mỗi trang (tối đa 100)."
        )

    class Output(Schema):
        count: int = Field(description="Tổng số mục khớp.")
        page: int
        pages: int = Field(description="Tổng số trang.")
        page_size: int
        next: str | None = None
        previous: str | None = None
        results: list[Any]

    def paginate_queryset(self, queryset, pagination: Input, request, **params):
        size = pagination.page_size or settings.MARKET_API_PAGE_SIZE
        count = self._items_count(queryset)
        pages = max(1, math.ceil(count / size))
        offset = (pagination.page - 1) * size
        items = list(queryset[offset : offset + size]) if offset < count else []
        return {
            "count": count,
            "page": pagination.page,
            "pages": pages,
            "page_size": size,
            "next": _page_link(request, pagination.page + 1)
            if pagination.page < pages
            else None,
            "previous": _page_link(request, min(pagination.page - 1, pages))
            if pagination.page > 1
            else None,
            "results": items,
        }


def _page_link(request, number: int) -> str:
    params = request.GET.copy()
    params["page"] = str(number)
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


# -- the API object ----------------------------------------------------------


class ReadableJSONRenderer(JSONRenderer):
    """UTF-8 JSON with Vietnamese letters as they are, not as \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}


class MarketAPI(NinjaAPI):
    """NinjaAPI with our errors, throttles and documented Idempotency-Key."""

    def __init__(self, **kwargs):
        kwargs.setdefault("throttle", throttles())
        kwargs.setdefault("renderer", ReadableJSONRenderer())
        super().__init__(**kwargs)
        install_error_handlers(self)

    def get_openapi_schema(self, *args, **kwargs):
        """The generated schema, plus what every operation may answer anyway.

        Throttles may answer 429 anywhere, a token endpoint 401, anything with
        parameters or a body 422, and the Idempotency-Key handling of a POST 400
        (unusable key), 409 (the same key still running) or 422 (key reused).
        """
        schema = super().get_openapi_schema(*args, **kwargs)
        header = {
            "name": IDEMPOTENCY_HEADER,
            "in": "header",
            "required": False,
            "description": _(
                "Một chuỗi duy nhất cho mỗi thao tác (ví dụ UUID). Gửi lại cùng "
                "khóa thì nhận lại đúng câu trả lời lần đầu, không làm hai lần."
            ),
            "schema": {"type": "string", "maxLength": 255},
        }
        error = {
            "content": {
                "application/json": {
                    "schema": {"$ref": "#/components/schemas/ErrorOut"}
                }
            }
        }
        descriptions = {
            400: _("Yêu cầu không hợp lệ"),
            401: _("Thiếu mã truy cập hoặc mã không dùng được"),
            409: _("Xung đột với trạng thái hiện tại"),
            422: _("Dữ liệu không hợp lệ"),
            429: _("Quá nhiều yêu cầu"),
        }
        for path in schema.get("paths", {}).values():
            for method, operation in path.items():
                codes = {429}
                if operation.get("security"):
                    codes.add(401)
                if operation.get("parameters") or operation.get("requestBody"):
                    codes.add(422)
                if method == "post":
                    codes |= {400, 409, 422}
                    operation.setdefault("parameters", []).append(header)
                responses = operation.setdefault("responses", {})
                for code in sorted(codes):
                    # Ninja keys responses by number; "404" beside 404 would be
                    # a duplicated key in the JSON.
                    if code not in responses and str(code) not in responses:
                        responses[code] = {
                            "description": str(descriptions[code]),
                            **error,
                        }
        schema.setdefault("components", {}).setdefault("schemas", {})
        if "ErrorOut" not in schema["components"]["schemas"]:
            definitions = ErrorOut.model_json_schema(
                ref_template="#/components/schemas/{model}"
            )
            schema["components"]["schemas"].update(definitions.pop("$defs", {}))
            schema["components"]["schemas"]["ErrorOut"] = definitions
        return schema
