"""Market models, one module per domain; import them from here."""

from .catalogue import (
    Category,
    Product,
    ProductImage,
    ProductQuerySet,
    Unit,
    images_with_renditions,
)
from .imports import ProductImport
from .ledger import LedgerEntry, Payout
from .orders import (
    CartLine,
    DeliveryMethod,
    Fulfilment,
    Order,
    OrderEvent,
    OrderLine,
    PaymentMethod,
)
from .payments import Payment, StripeEvent

__all__ = [
    "CartLine",
    "Category",
    "DeliveryMethod",
    "Fulfilment",
    "LedgerEntry",
    "Order",
    "OrderEvent",
    "OrderLine",
    "Payment",
    "PaymentMethod",
    "Payout",
    "Product",
    "ProductImage",
    "ProductImport",
    "ProductQuerySet",
    "StripeEvent",
    "Unit",
    "images_with_renditions",
]
