"""Endpoints for a cooperative's own software: its products and fulfilments.

Everything is looked up inside the token's cooperative: another cooperative's
product or fulfilment is answered exactly as one that does not exist (404).
Price and stock change through `market.product_changes.change_product` (the
row locked, a published revision, a history entry naming the token);
fulfilments move through the actions of `market.fulfilment`, as in the admin.
"""

import datetime
from typing import Annotated, Literal

from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Body, Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate

from producers.api.base import (
    ApiValidationError,
    CooperativeToken,
    ErrorOut,
    Pages,
    StrictSchema,
    token_cooperative,
    token_user,
)

from .. import fulfilment as fulfilment_actions
from ..filters import MAX_AMOUNT
from ..models import Fulfilment, OrderLine, Product
from ..product_changes import ProductLocked, change_product
from ..stock import MAX_STOCK, SET, StockChanged

router = Router(tags=["cooperative"], auth=CooperativeToken())


class ConflictOut(ErrorOut):
    code: str = Field(
        description="Lý do máy đọc được: already, illegal, awaiting_payment, "
        "order_closed, locked, stock_changed."
    )


def conflict(message, code: str):
    return Status(409, {"detail": str(message), "errors": [], "code": code})


# -- products -------------------------------------------------------------------


class OwnProductOut(Schema):
    slug: str
    name: str
    category: str = Field(description="Đường dẫn của danh mục.")
    unit: str
    price: int = Field(description="Giá một đơn vị, đồng (giá đang bán nếu live).")
    stock: int
    min_order_quantity: int
    gtin: str
    live: bool = Field(description="Đang bán trên chợ.")
    has_unpublished_changes: bool = Field(description="Có bản nháp chưa xuất bản.")
    locked: bool = Field(description="Đang bị khóa chỉnh sửa trong trang quản trị.")
    updated_at: datetime.datetime
    url: str | None = Field(description="Trang sản phẩm, nếu đang bán.")

    @staticmethod
    def resolve_category(obj):
        return obj.category.slug

    @staticmethod
    def resolve_url(obj, context):
        if not obj.live:
            return None
        return context["request"].build_absolute_uri(obj.get_absolute_url())


class OwnProductFilters(Schema):
    live: bool | None = Field(None, description="Chỉ sản phẩm đang bán / chưa bán.")


class ProductPatch(StrictSchema):
    price: int | None = Field(
        None, ge=1, le=MAX_AMOUNT, description="Giá mới một đơn vị, đồng."
    )
    stock: int | None = Field(
        None,
        ge=0,
        le=MAX_STOCK,
        description="Số đơn vị đang có thật trong kho (đặt lại sau kiểm kho).",
    )
    expected_stock: int | None = Field(
        None,
        ge=0,
        le=MAX_STOCK,
        description="Tồn kho bạn đã đọc trước khi đếm: nếu đơn hàng đã làm nó "
        "thay đổi thì không đặt lại (409), để không xóa mất đơn đó.",
    )


def _own_products(request):
    return Product.objects.filter(cooperative=token_cooperative(request))


def _own_product(request, slug: str) -> Product:
    product = _own_products(request).select_related("category").filter(slug=slug)
    product = product.first()
    if product is None:
        raise Http404
    return product


@router.get(
    "/products",
    response={200: list[OwnProductOut], 401: ErrorOut, 422: ErrorOut},
    summary="Sản phẩm của hợp tác xã",
)
@paginate(Pages)
def list_own_products(request, filters: Query[OwnProductFilters]):
    """Every product of the token's cooperative, drafts included, by name."""
    products = _own_products(request).select_related("category")
    if filters.live is not None:
        products = products.filter(live=filters.live)
    return products.order_by("name", "pk")


@router.patch(
    "/products/{slug}",
    response={
        200: OwnProductOut,
        400: ErrorOut,
        401: ErrorOut,
        404: ErrorOut,
        409: ConflictOut,
        422: ErrorOut,
    },
    summary="Đổi giá, tồn kho",
)
def update_own_product(request, slug: str, payload: ProductPatch):
    """Set the price and/or the counted stock of one of the cooperative's products.

    A new price is published at once if the product is on sale (and also put
    in an editor's pending draft); the change appears in the product's history
    in the admin, under the token's name. Units sold meanwhile are never lost:
    send `expected_stock` with the count you based `stock` on.
    """
    if payload.expected_stock is not None and payload.stock is None:
        raise ApiValidationError({"expected_stock": [_("Chỉ dùng cùng với stock.")]})
    if payload.price is None and payload.stock is None:
        raise ApiValidationError({"__all__": [_("Gửi price hoặc stock.")]})
    product = _own_product(request, slug)
    token = request.auth
    try:
        change_product(
            product,
            user=token_user(request),
            price=payload.price,
            stock_mode=SET if payload.stock is not None else None,
            stock_quantity=payload.stock,
            expected_stock=payload.expected_stock,
            via=f"API: {token.name}",
            extra={"api_token": token.pk},
        )
    except ProductLocked as locked:
        return conflict(locked, "locked")
    except StockChanged as changed:
        return conflict(
            _(
                "Tồn kho vừa thay đổi (có đơn hàng mới): hiện còn %(stock)s. "
                "Kiểm tra lại rồi gửi lại."
            )
            % {"stock": changed.current},
            "stock_changed",
        )
    return _own_product(request, slug)


# -- fulfilments -------------------------------------------------------------------

FulfilmentStatus = Fulfilment.Status
ActionName = Literal[tuple(fulfilment_actions.ACTIONS)]  # type: ignore[valid-type]
FulfilmentId = Annotated[int, Path(ge=1, le=2**53, description="id của phần đơn.")]


class FulfilmentLineOut(Schema):
    product: str | None = Field(description="Đường dẫn của sản phẩm (nếu còn).")
    product_name: str
    unit: str
    unit_price: int
    quantity: int
    line_total: int
    lot_code: str
    stock_status: str

    @staticmethod
    def resolve_product(obj):
        return obj.product.slug if obj.product_id else None


class BuyerOut(Schema):
    name: str
    phone: str
    address: str
    note: str


class FulfilmentOut(Schema):
    id: int
    order_number: str
    status: Literal[tuple(FulfilmentStatus.values)]  # type: ignore[valid-type]
    status_label: str
    actions: list[str] = Field(description="Các thao tác làm được lúc này.")
    delivery_method: str
    payment_method: str
    order_status: str
    payment_status: str
    goods_total: int
    delivery_fee: int
    total: int
    cash_to_collect: int = Field(description="Tiền mặt cần thu khi giao, đồng.")
    tracking_note: str
    buyer: BuyerOut
    lines: list[FulfilmentLineOut]
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_order_number(obj):
        return obj.order.number

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_actions(obj):
        return possible_actions(obj)

    @staticmethod
    def resolve_payment_method(obj):
        return obj.order.payment_method

    @staticmethod
    def resolve_order_status(obj):
        return obj.order.status

    @staticmethod
    def resolve_payment_status(obj):
        return obj.order.payment_status

    @staticmethod
    def resolve_buyer(obj):
        order = obj.order
        return {
            "name": order.contact_name,
            "phone": order.phone,
            "address": order.address,
            "note": order.note,
        }

    @staticmethod
    def resolve_lines(obj):
        return obj.lines.all()


def possible_actions(fulfilment: Fulfilment) -> list[str]:
    """The actions the fulfilment's state allows now (the token's cooperative's)."""
    return [
        action.name
        for action in fulfilment_actions.available_actions(
            fulfilment, None, skip_permission_checks=True
        )
    ]


class OwnFulfilmentFilters(Schema):
    status: Literal[tuple(FulfilmentStatus.values)] | None = Field(  # type: ignore[valid-type]
        None, description="Trạng thái của phần đơn."
    )


class ActionIn(StrictSchema):
    note: str = Field("", max_length=255, description="Ghi chú vào nhật ký đơn.")
    tracking_note: str = Field(
        "", max_length=255, description="ship: đơn vị vận chuyển, mã vận đơn."
    )
    reason: str = Field("", max_length=255, description="cancel: lý do hủy.")


def _own_fulfilments(request):
    lines = OrderLine.objects.select_related("product").order_by("pk")
    return (
        Fulfilment.objects.filter(cooperative=token_cooperative(request))
        .select_related("order")
        .prefetch_related(Prefetch("lines", queryset=lines))
    )


def _own_fulfilment(request, fulfilment_id: int) -> Fulfilment:
    fulfilment = _own_fulfilments(request).filter(pk=fulfilment_id).first()
    if fulfilment is None:
        raise Http404
    return fulfilment


@router.get(
    "/fulfilments",
    response={200: list[FulfilmentOut], 401: ErrorOut, 422: ErrorOut},
    summary="Đơn hàng của hợp tác xã",
)
@paginate(Pages)
def list_own_fulfilments(request, filters: Query[OwnFulfilmentFilters]):
    """The cooperative's parts of orders, newest first; `status` filters."""
    fulfilments = _own_fulfilments(request)
    if filters.status:
        fulfilments = fulfilments.filter(status=filters.status)
    return fulfilments.order_by("-created_at", "-pk")


@router.get(
    "/fulfilments/{fulfilment_id}",
    response={200: FulfilmentOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Một phần đơn",
)
def get_own_fulfilment(request, fulfilment_id: FulfilmentId):
    return _own_fulfilment(request, fulfilment_id)


@router.post(
    "/fulfilments/{fulfilment_id}/{action}",
    response={
        200: FulfilmentOut,
        400: ErrorOut,
        401: ErrorOut,
        404: ErrorOut,
        409: ConflictOut,
        422: ErrorOut,
    },
    summary="Chuyển trạng thái phần đơn",
)
def move_own_fulfilment(
    request,
    fulfilment_id: FulfilmentId,
    action: ActionName,
    payload: ActionIn = Body(None),  # noqa: B008 - ninja's way to declare a body
):
    """confirm, pack, ship, deliver or cancel, exactly as the admin's buttons.

    Cancelling returns the units to stock and refunds what was paid; a move
    the state does not allow is 409 with `code` (already, illegal,
    awaiting_payment, order_closed).
    """
    fulfilment = _own_fulfilment(request, fulfilment_id)
    payload = payload or ActionIn()
    note = payload.note.strip()
    if action == "ship":
        note = payload.tracking_note.strip() or note
    elif action == "cancel":
        note = payload.reason.strip() or note
    action_class = fulfilment_actions.ACTIONS[action]
    # _own_fulfilment found it among the token's cooperative's fulfilments:
    # that is the permission check here, in place of the admin's per-user one.
    try:
        action_class(fulfilment, user=token_user(request), note=note).execute(
            skip_permission_checks=True
        )
    except fulfilment_actions.FulfilmentError as refused:
        return conflict(refused.message, refused.code)
    return _own_fulfilment(request, fulfilment_id)
