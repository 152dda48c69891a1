"""What market adds to pages owned by lower apps (see producers.profile)."""

from django.db.models import F
from django.db.models.lookups import GreaterThan

from producers.profile import ProfileSection

# A profile shows this many products; the rest are one link away in the catalogue.
PROFILE_PRODUCT_LIMIT = 12


def cooperative_products(request, cooperative):
    """The cooperative's published products, those in stock first."""
    from .models import Product

    products = list(
        Product.objects.published()
        .filter(cooperative=cooperative)
        .for_listing()
        .order_by(
            GreaterThan(F("stock"), 0).desc(),
            F("first_published_at").desc(nulls_last=True),
            "-pk",
        )[: PROFILE_PRODUCT_LIMIT + 1]
    )
    return ProfileSection(
        template="market/includes/cooperative_products.html",
        context={
            "products": products[:PROFILE_PRODUCT_LIMIT],
            "has_more_products": len(products) > PROFILE_PRODUCT_LIMIT,
            "cooperative": cooperative,
        },
        order=50,
    )
