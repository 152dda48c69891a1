"""The cart link in the site header: how many products the visitor's cart holds."""

from django import template

from market.cart import Cart

register = template.Library()


@register.simple_tag(takes_context=True)
def cart_count(context) -> int:
    """Distinct products in the cart; 0 where there is no visitor (e-mails)."""
    request = context.get("request")
    if request is None or not hasattr(request, "session"):
        return 0
    return len(Cart.for_request(request))
