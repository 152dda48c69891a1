from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class MarketConfig(AppConfig):
    name = "market"
    verbose_name = _("Chợ")

    def ready(self):
        from producers import fragments, profile, trace_sections

        from . import cart, sections, trace

        profile.register_section(sections.cooperative_products)
        trace_sections.register_section(trace.lot_product)
        # The header's cart link differs per visitor, even on a cached page.
        fragments.register("cart_link", cart.cart_link)
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
