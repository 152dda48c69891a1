"""What market adds to pages owned by lower apps (see producers.profile)."""

from producers.profile import ProfileSection


def cooperative_products(request, cooperative):
    from .models import Product

    products = (
        Product.objects.published()
        .filter(cooperative=cooperative)
        .for_listing()
        .order_by("-stock", "name")[:48]
    )
    return ProfileSection(
        template="market/includes/cooperative_products.html",
        context={"products": products},
        order=50,
    )
