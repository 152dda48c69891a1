"""The buyer's cart: which products, how many, for the current visitor.

A guest's cart lives in the session as {product id: quantity}; a signed-in
buyer's cart is kept in `CartLine` rows, so it is still there on the next
visit and on another device. When a guest signs in, the login view calls
`merge_guest_cart`: quantities of the same product add up, capped at what is
in stock.

Each change is checked against the product's stock and minimum order and
reports what happened in a message for the buyer. Prices, grouping by
cooperative and delivery fees are not the cart's business: `quote()` asks
`market.ordering.quote`, the same function checkout uses.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from . import ordering
from .models import CartLine, Product

SESSION_KEY = "cart"
# Nobody buys ten thousand of anything through a phone; a bound keeps a typo
# or a crafted form from reaching the database as a nonsensical number.
MAX_QUANTITY = 9999


class CartError(Exception):
    """A change the cart refused; `message` tells the buyer why."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class CartChange:
    """What a change did: the line's new quantity and a message for the buyer."""

    product: Product | None
    quantity: int
    message: str
    # "success" when the buyer got what they asked for, "warning" when the
    # quantity was lowered to what is in stock.
    level: str = "success"


def _session_items(session) -> dict[int, int]:
    """The guest cart from the session, skipping anything that is not a count."""
    items = {}
    raw = session.get(SESSION_KEY)
    if not isinstance(raw, dict):
        return items
    for key, value in raw.items():
        try:
            product_id, quantity = int(key), int(value)
        except (TypeError, ValueError):
            continue
        if product_id > 0 and 0 < quantity <= MAX_QUANTITY:
            items[product_id] = quantity
    return items


def _unit(product: Product) -> str:
    return str(product.get_unit_display())


def checked_quantity(product: Product, wanted: int) -> tuple[int, str, str]:
    """The quantity the cart may hold of `product` when `wanted` is asked for,
    with the message and its level; raises `CartError` if it may hold none."""
    name, unit = product.name, _unit(product)
    if not product.live:
        raise CartError(_("%(name)s không còn được bán.") % {"name": name})
    if product.stock <= 0:
        raise CartError(_("%(name)s đã hết hàng.") % {"name": name})
    minimum = product.min_order_quantity
    if product.stock < minimum:
        raise CartError(
            _(
                "%(name)s chỉ còn %(stock)s %(unit)s, ít hơn số lượng đặt tối "
                "thiểu %(min)s %(unit)s."
            )
            % {"name": name, "stock": product.stock, "unit": unit, "min": minimum}
        )
    if wanted < minimum:
        raise CartError(
            _("%(name)s: đặt tối thiểu %(min)s %(unit)s.")
            % {"name": name, "min": minimum, "unit": unit}
        )
    if wanted > product.stock:
        return (
            product.stock,
            _("%(name)s chỉ còn %(stock)s %(unit)s; giỏ hàng giữ %(stock)s %(unit)s.")
            % {"name": name, "stock": product.stock, "unit": unit},
            "warning",
        )
    return wanted, "", "success"


class Cart:
    """The current visitor's cart; one per request (see `for_request`)."""

    def __init__(self, request):
        self.session = request.session
        user = getattr(request, "user", None)
        self.user = user if user is not None and user.is_authenticated else None
        self._items: dict[int, int] | None = None

    @classmethod
    def for_request(cls, request) -> Cart:
        """The request's cart, built once so the header and the page share it."""
        cart = getattr(request, "_market_cart", None)
        if cart is None:
            cart = cls(request)
            request._market_cart = cart
        return cart

    # Reading

    def items(self) -> dict[int, int]:
        """Product id -> quantity, in the order the lines were added."""
        if self._items is None:
            if self.user is not None:
                if SESSION_KEY in self.session:
                    # Signed in some other way than the buyers' login page
                    # (the admin's, a new account): the guest cart still joins.
                    _merge_session_cart(self.session, self.user)
                self._items = dict(
                    CartLine.objects.filter(user=self.user).values_list(
                        "product_id", "quantity"
                    )
                )
            else:
                self._items = _session_items(self.session)
        return dict(self._items)

    def __len__(self) -> int:
        """How many different products are in the cart."""
        return len(self.items())

    def __bool__(self) -> bool:
        return bool(self.items())

    def quantity_of(self, product_id: int) -> int:
        return self.items().get(product_id, 0)

    def quote(self, delivery=None, *, products=None) -> ordering.Quote:
        """What the cart costs, grouped by cooperative (see `ordering.quote`)."""
        return ordering.quote(self.items(), delivery, products=products)

    # Changing

    def add(self, product_id: int, quantity: int) -> CartChange:
        """Put `quantity` more of a product in the cart."""
        product = self._product(product_id)
        if quantity < 1:
            raise CartError(_("Số lượng phải lớn hơn 0."))
        wanted = min(self.quantity_of(product.pk) + quantity, MAX_QUANTITY)
        kept, message, level = checked_quantity(product, wanted)
        self._store(product.pk, kept)
        if level == "success":
            message = _("Đã thêm %(quantity)s %(unit)s %(name)s vào giỏ hàng.") % {
                "quantity": quantity,
                "unit": _unit(product),
                "name": product.name,
            }
        return CartChange(product, kept, message, level)

    def set(self, product_id: int, quantity: int) -> CartChange:
        """Make the cart hold `quantity` of a product; 0 removes it."""
        if quantity <= 0:
            return self.remove(product_id)
        product = self._product(product_id)
        kept, message, level = checked_quantity(product, min(quantity, MAX_QUANTITY))
        self._store(product.pk, kept)
        if level == "success":
            message = _("Đã cập nhật %(name)s: %(quantity)s %(unit)s.") % {
                "name": product.name,
                "quantity": kept,
                "unit": _unit(product),
            }
        return CartChange(product, kept, message, level)

    def remove(self, product_id: int) -> CartChange:
        """Take a product out of the cart (also one that is no longer sold)."""
        product = Product.objects.filter(pk=product_id).only("name").first()
        self._store(product_id, 0)
        if product is None:
            return CartChange(None, 0, _("Đã bỏ sản phẩm khỏi giỏ hàng."))
        return CartChange(
            product, 0, _("Đã bỏ %(name)s khỏi giỏ hàng.") % {"name": product.name}
        )

    def clear(self) -> None:
        if self.user is not None:
            CartLine.objects.filter(user=self.user).delete()
        else:
            self.session.pop(SESSION_KEY, None)
        self._items = {}

    def _product(self, product_id: int) -> Product:
        product = Product.objects.filter(pk=product_id).first()
        if product is None or not product.live:
            raise CartError(_("Sản phẩm này không còn được bán."))
        return product

    def _store(self, product_id: int, quantity: int) -> None:
        items = self.items()
        if quantity > 0:
            items[product_id] = quantity
        else:
            items.pop(product_id, None)
        if self.user is not None:
            _store_line(self.user, product_id, quantity)
        else:
            self.session[SESSION_KEY] = {str(pk): qty for pk, qty in items.items()}
        self._items = items


def _store_line(user, product_id: int, quantity: int) -> None:
    lines = CartLine.objects.filter(user=user, product_id=product_id)
    if quantity <= 0:
        lines.delete()
        return
    if lines.update(quantity=quantity):
        return
    try:
        with transaction.atomic():
            CartLine.objects.create(user=user, product_id=product_id, quantity=quantity)
    except IntegrityError:
        # The same buyer added it in another tab a moment ago.
        lines.update(quantity=quantity)


def merge_guest_cart(request, user) -> int:
    """Move the session's guest cart into `user`'s saved cart after login.

    Quantities of a product already saved add up, capped at the stock; a
    product no longer sold or out of stock is dropped from the guest cart
    (a line the buyer had saved before is kept and shown with its problem).
    Returns how many lines changed.
    """
    changed = _merge_session_cart(request.session, user)
    if getattr(request, "_market_cart", None) is not None:
        request._market_cart = None
    return changed


def _merge_session_cart(session, user) -> int:
    guest = _session_items(session)
    session.pop(SESSION_KEY, None)
    if not guest:
        return 0
    products = Product.objects.filter(pk__in=guest, live=True).in_bulk()
    saved = dict(
        CartLine.objects.filter(user=user).values_list("product_id", "quantity")
    )
    changed = 0
    for product_id, quantity in guest.items():
        product = products.get(product_id)
        if product is None:
            continue
        merged = min(saved.get(product_id, 0) + quantity, product.stock, MAX_QUANTITY)
        if merged <= 0 or merged == saved.get(product_id):
            continue
        _store_line(user, product_id, merged)
        changed += 1
    return changed


def cart_link(request, arg: str = "") -> str:
    """The header's link to the cart, with how many products it holds: a part
    of the page drawn for each visitor, even on a cached page (producers.fragments).
    """
    count = len(Cart.for_request(request)) if hasattr(request, "session") else 0
    return _cart_link_html(get_language(), count)


@functools.lru_cache(maxsize=256)
def _cart_link_html(language: str, count: int) -> str:
    """The same for every visitor with as many products in their cart, so drawn
    once per language and count."""
    return render_to_string("market/includes/cart_link.html", {"cart_items": count})
