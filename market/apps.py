import functools

from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class MarketConfig(AppConfig):
    name = "market"
    verbose_name = _("Chợ")

    def ready(self):
        from producers import fragments, profile, trace_sections

        from . import sections, trace

        profile.register_section(sections.cooperative_products)
        trace_sections.register_section(trace.lot_product)
        # The header's cart link differs per visitor, even on a cached page.
        fragments.register("cart_link", _cart_link)
        # Products carry their cooperative's folded name for search; producers
        # cannot call market, so market listens for the cooperative's save.
        post_save.connect(
            _cooperative_saved,
            sender="producers.Cooperative",
            dispatch_uid="market-refresh-product-search-text",
        )


def _cooperative_saved(sender, instance, created, raw=False, **kwargs):
    if created or raw:
        return
    from .search import refresh_cooperative_products

    refresh_cooperative_products(instance)


def _cart_link(request, arg: str) -> str:
    from django.utils.translation import get_language

    from .cart import Cart

    count = len(Cart.for_request(request)) if hasattr(request, "session") else 0
    return _cart_link_html(get_language(), count)


@functools.lru_cache(maxsize=256)
def _cart_link_html(language: str, count: int) -> str:
    """The header's cart link: the same for every visitor with as many products
    in their cart, so drawn once per language and count."""
    from django.template.loader import render_to_string

    return render_to_string("market/includes/cart_link.html", {"cart_items": count})
