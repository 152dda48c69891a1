"""Building checkouts and orders in tests through the real ordering code."""

from market.models import PaymentMethod
from market.ordering import CheckoutDetails, place_order


def checkout_details(payment_method=PaymentMethod.CASH_ON_DELIVERY, **overrides):
    values = {
        "contact_name": "Nguyễn Thị Lan",
        "phone": "0912345678",
        "email": "lan@example.com",
        "province_code": 40,
        "commune_code": 17254,
        "street": "Xóm 3",
        "payment_method": payment_method,
        "note": "",
        "delivery": {},
    }
    values.update(overrides)
    return CheckoutDetails(**values)


def place(
    products_and_quantities,
    payment_method=PaymentMethod.CASH_ON_DELIVERY,
    user=None,
    **details,
):
    """Place an order for [(product, quantity), ...] and return it."""
    items = {product.pk: quantity for product, quantity in products_and_quantities}
    return place_order(
        items=items,
        details=checkout_details(payment_method, **details),
        user=user,
    )
