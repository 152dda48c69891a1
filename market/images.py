"""Image renditions the public product pages use, and how to prefetch them.

The `{% picture %}` tags in market/templates use these same filter specs; keeping
them here lets listings prefetch exactly those renditions, so a page of 30
products costs the same number of queries as a page of 5.
"""

from django.db.models import Prefetch
from wagtail.images import get_image_model
from wagtail.images.models import Filter

# Product card (market/includes/product_card.html).
CARD_IMAGE = "format-{avif,webp,jpeg} fill-{320x240,640x480}"
# Product page: the large gallery picture, its thumbnails, and the social preview.
GALLERY_IMAGE = "format-{avif,webp,jpeg} fill-{600x450,900x675,1200x900}"
THUMB_IMAGE = "format-{avif,webp,jpeg} fill-{72x72,144x144}"
SHARE_IMAGE = "fill-1200x630|format-jpeg"
# Cooperative logo on the product page.
LOGO_IMAGE = "format-{avif,webp,png} fill-{56x56,112x112}"


def filter_specs(*specs: str) -> list[str]:
    """Expand `{a,b}` spec groups the way the `{% picture %}` tag does."""
    return [expanded for spec in specs for expanded in Filter.expand_spec(spec.split())]


def renditions_prefetch(*specs: str, lookup: str = "renditions") -> Prefetch:
    rendition_model = get_image_model().get_rendition_model()
    return Prefetch(
        lookup,
        queryset=rendition_model.objects.filter(filter_spec__in=filter_specs(*specs)),
    )
