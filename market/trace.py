"""What market adds to a lot's public trace page (see producers.trace_sections)."""

from wagtail.images.models import SourceImageIOError

from producers.trace_sections import TraceSection

SCHEMA_AVAILABILITY = {
    True: "https://schema.org/InStock",
    False: "https://schema.org/OutOfStock",
}
# One of the renditions market.images.CARD_IMAGE expands to (prefetched below).
TRACE_SHARE_IMAGE = "format-jpeg|fill-640x480"


def lot_product(request, lot):
    """The published product this lot is sold as: photo, price and a buy link."""
    from .models import Product

    product = (
        Product.objects.filter(lots=lot, live=True).for_listing().order_by("pk").first()
    )
    if product is None:
        return None
    url = request.build_absolute_uri(product.get_absolute_url())
    json_ld = {"url": url, "category": product.category.name}
    image = product.main_image
    if image is not None:
        try:
            rendition = image.get_rendition(TRACE_SHARE_IMAGE)
        except SourceImageIOError:
            rendition = None
        if rendition is not None:
            json_ld["image"] = [request.build_absolute_uri(rendition.url)]
    if not lot.is_recalled:
        # A recalled batch is not for sale, whatever the product's stock says.
        json_ld["offers"] = {
            "@type": "Offer",
            "price": product.price,
            "priceCurrency": "VND",
            "availability": SCHEMA_AVAILABILITY[product.in_stock],
            "url": url,
        }
    return TraceSection(
        template="market/includes/lot_product.html",
        context={"product": product, "lot": lot},
        order=10,
        placement="product",
        json_ld=json_ld,
    )
