"""Public catalogue pages: the product list, search and the product page."""

from dataclasses import dataclass

from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from wagtail.images.models import SourceImageIOError

from producers.models import Certification
from producers.ratelimit import rate_limit

from . import search as product_search
from .catalogue import (
    Listing,
    active_filters,
    product_listing,
    product_page_queryset,
    related_products,
    stock_status,
)
from .filters import filter_choices
from .images import SHARE_IMAGE
from .models import Product

SCHEMA_AVAILABILITY = {
    True: "https://schema.org/InStock",
    False: "https://schema.org/OutOfStock",
}


def _listing_context(request, listing: Listing) -> dict:
    page = listing.page
    chips = active_filters(listing.filterset, request.GET)
    category = listing.filterset.form.cleaned_data.get("category")
    return {
        "heading": category.name if category else _("Sản phẩm"),
        "filterset": listing.filterset,
        "form": listing.filterset.form,
        "page_obj": page,
        "products": page.object_list,
        "page_range": page.paginator.get_elided_page_range(
            page.number, on_each_side=1, on_ends=1
        ),
        "filter_messages": listing.messages,
        "active_filters": chips,
        "categories": filter_choices().root_categories,
        "current_category": category,
    }


def _has_query(request) -> bool:
    return bool(request.GET.get("q", "").strip())


@rate_limit("search", when=_has_query)
def catalogue(request):
    listing = product_listing(request.GET)
    return render(request, "market/catalogue.html", _listing_context(request, listing))


@rate_limit("search")
def search(request):
    listing = product_listing(request.GET)
    query = listing.filterset.search_query
    context = _listing_context(request, listing)
    context["search_query"] = query.text if query else ""
    context["heading"] = (
        _("Kết quả tìm kiếm cho “%(query)s”") % {"query": query.text}
        if query
        else _("Tìm kiếm")
    )
    context["cooperatives"] = product_search.search_cooperatives(query)
    found = listing.page.paginator.count
    if query and not found:
        context["did_you_mean"] = product_search.did_you_mean(
            query, Product.objects.published()
        )
    if not found or not (query or context["active_filters"]):
        context["popular_products"] = product_search.popular_products()
    return render(request, "market/search.html", context)


@dataclass(frozen=True)
class ShownCertification:
    """A certificate on the product page, with whether it is in force today."""

    certification: Certification
    valid: bool


def _absolute(request, url: str) -> str:
    return request.build_absolute_uri(url) if url else ""


def _share_rendition(image):
    """The link-preview rendition, or None if the image file has gone missing."""
    if image is None:
        return None
    try:
        return image.get_rendition(SHARE_IMAGE)
    except SourceImageIOError:
        # The page still renders (the gallery shows a broken image); a link
        # preview without a picture beats one pointing at nothing.
        return None


def _product_url(product) -> str:
    try:
        return product.get_absolute_url()
    except NoReverseMatch:
        # A draft being previewed may not have a slug yet.
        return ""


def _description(product) -> str:
    text = product.summary or strip_tags(product.description or "")
    if not text:
        text = _("%(product)s của %(cooperative)s.") % {
            "product": product.name,
            "cooperative": product.cooperative.name,
        }
    return Truncator(" ".join(text.split())).chars(200)


def product_json_ld(product, *, url: str, image_url: str, cooperative_url: str):
    """schema.org Product with its Offer, for search engines and link previews."""
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.name,
        "description": _description(product),
        "sku": product.slug or str(product.pk or ""),
        "brand": {"@type": "Brand", "name": product.cooperative.name},
        "category": product.category.name if product.category_id else "",
        "offers": {
            "@type": "Offer",
            "price": product.price,
            "priceCurrency": "VND",
            "availability": SCHEMA_AVAILABILITY[product.in_stock],
            "url": url,
            "seller": {
                "@type": "Organization",
                "name": product.cooperative.name,
                "url": cooperative_url,
            },
        },
    }
    if image_url:
        data["image"] = [image_url]
    if product.gtin:
        data["gtin14"] = product.gtin.zfill(14)
    return data


def product_context(product, request) -> dict:
    """Everything the product page shows; also used by the admin preview.

    `product` may be an unsaved draft from the edit form (preview), so this only
    reads what is already on it: images and certifications through `.all()`.
    """
    today = timezone.localdate()
    images = list(product.images.all())
    main_image = images[0].image if images else None
    share_image = _share_rendition(main_image)
    page_url = _absolute(request, _product_url(product))
    image_url = _absolute(request, share_image.url) if share_image else ""
    cooperative_url = _absolute(request, product.cooperative.get_absolute_url())
    return {
        "product": product,
        "cooperative": product.cooperative,
        "images": images,
        "main_image": main_image,
        "share_image": share_image,
        "share_image_url": image_url,
        "page_url": page_url,
        "meta_description": _description(product),
        "stock_status": str(stock_status(product)),
        "certifications": [
            ShownCertification(cert, cert.is_valid_on(today))
            for cert in product.certifications.all()
        ],
        "season": product.season,
        "today": today,
        "related_products": related_products(product),
        # The lots sold under this product, newest harvest first: each opens the
        # trace page its QR code points to.
        "lots": sorted(
            product.lots.all(),
            key=lambda lot: (lot.harvest_date is not None, lot.harvest_date, lot.pk),
            reverse=True,
        )[:5],
        "json_ld": product_json_ld(
            product, url=page_url, image_url=image_url, cooperative_url=cooperative_url
        ),
    }


def product_detail(request, slug):
    product = get_object_or_404(product_page_queryset(), slug=slug)
    return render(
        request, "market/product_detail.html", product_context(product, request)
    )
