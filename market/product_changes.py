"""Price and stock changed outside the product form (by a cooperative's software).

`change_product` is the one way: the product row is locked (as orders lock
it), a new price becomes a revision that is published at once if the product
is live (an editor's pending draft keeps its own changes and gets the new
price too, so publishing it later does not bring the old price back), stock
moves through `market.stock.adjust`, and one history entry says what changed
and through what (`via`, e.g. the API token's name).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import LogFormatter, log

from . import stock
from .models import Product
from .money import format_vnd

LOG_ACTION = "market.product_change"


class ProductLocked(Exception):
    """An editor has locked the product in the admin; its price waits."""

    def __init__(self, product: Product):
        self.product = product
        super().__init__(
            gettext(
                "Sản phẩm “%(name)s” đang được khóa chỉnh sửa trong trang quản trị; "
                "chưa đổi được giá."
            )
            % {"name": product.name}
        )


@dataclass
class ProductChange:
    """What a change did: (before, after) for each value it touched."""

    product: Product
    price: tuple[int, int] | None = None
    stock: tuple[int, int] | None = None

    @property
    def changed(self) -> bool:
        return bool(
            (self.price and self.price[0] != self.price[1])
            or (self.stock and self.stock[0] != self.stock[1])
        )


def change_product(
    product: Product,
    *,
    user=None,
    price: int | None = None,
    stock_mode: str | None = None,
    stock_quantity: int | None = None,
    expected_stock: int | None = None,
    via: str = "",
    extra: dict | None = None,
) -> ProductChange:
    """Set the price and/or adjust the stock of `product`, in one transaction.

    Raises ValidationError (a price the model refuses), `ProductLocked` (the
    price of a product an editor has locked) or `stock.StockChanged` (a set
    count whose `expected_stock` an order has moved meanwhile). `via` names
    where the change came from in the history; `extra` is kept with it.
    """
    user = user if user is not None and user.is_authenticated else None
    if price is not None:
        field = Product._meta.get_field("price")
        try:
            field.clean(price, product)
        except ValidationError as error:
            raise ValidationError({"price": error.messages}) from error
    with transaction.atomic():
        locked = stock.lock_products([product.pk])[product.pk]
        change = ProductChange(product=locked)
        revision = None
        if price is not None:
            change.price = (locked.price, price)
            if price != locked.price:
                if locked.locked and (user is None or locked.locked_by_id != user.pk):
                    raise ProductLocked(locked)
                revision = _new_price(locked, price, user)
        if stock_mode is not None:
            change.stock = stock.adjust(
                locked.pk,
                mode=stock_mode,
                quantity=stock_quantity,
                expected=expected_stock,
            )
        if change.changed:
            data = {**(extra or {}), "via": via}
            if change.price:
                data["price"] = list(change.price)
            if change.stock:
                data["stock"] = {
                    "mode": stock_mode,
                    "before": change.stock[0],
                    "after": change.stock[1],
                }
            log(
                instance=locked,
                action=LOG_ACTION,
                user=user,
                revision=revision,
                content_changed=revision is not None,
                data=data,
            )
        locked.refresh_from_db()
    for name in ("price", "stock", "latest_revision_id", "live_revision_id"):
        setattr(product, name, getattr(locked, name))
    return change


def _new_price(product: Product, price: int, user):
    """Record `price` as a revision: published now if live, in the draft too."""
    pending = (
        product.latest_revision
        if product.has_unpublished_changes and product.latest_revision_id
        else None
    )
    revision = None
    if product.live:
        product.price = price
        revision = product.save_revision(user=user, clean=False)
        revision.publish(user=user, log_action=False, skip_permission_checks=True)
    else:
        Product.objects.filter(pk=product.pk).update(price=price)
    if pending is not None or not product.live:
        draft = pending.as_object() if pending is not None else product
        draft.price = price
        revision = draft.save_revision(user=user, clean=False)
    return revision


class ProductChangeFormatter(LogFormatter):
    """The history line of a `change_product` entry."""

    label = _("Đổi giá, tồn kho")

    def format_message(self, log_entry):
        data = log_entry.data or {}
        language = translation.get_language()
        parts = []
        if data.get("price"):
            before, after = data["price"]
            parts.append(
                gettext("giá %(before)s → %(after)s")
                % {
                    "before": format_vnd(before, language),
                    "after": format_vnd(after, language),
                }
            )
        if data.get("stock"):
            parts.append(
                gettext("tồn kho %(before)s → %(after)s")
                % {"before": data["stock"]["before"], "after": data["stock"]["after"]}
            )
        text = "; ".join(parts) or gettext("không đổi")
        if data.get("via"):
            return gettext("%(via)s: %(changes)s") % {
                "via": data["via"],
                "changes": text,
            }
        return text
