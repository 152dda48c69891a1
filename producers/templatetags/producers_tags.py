"""Template helpers for the public cooperative pages."""

import json
import re
from decimal import Decimal
from html import unescape

from django import template
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html, strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from producers import fragments

register = template.Library()

# Characters that could end a <script> element or open an HTML comment inside it.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}
_NOT_DIAL = re.compile(r"[^\d+]")


@register.simple_tag(takes_context=True)
def profile_section(context, section):
    """Render a section supplied through producers.profile with its own context."""
    return render_to_string(
        section.template,
        {**context.flatten(), **section.context},
        request=context.get("request"),
    )


@register.filter
def certification_state(certification) -> str:
    """ "valid", "expired" or "pending" (not yet in force) for today's date."""
    today = timezone.localdate()
    if certification.is_valid_on(today):
        return "valid"
    if certification.expires_on is not None and certification.expires_on < today:
        return "expired"
    return "pending"


@register.filter
def tel_href(phone: str) -> str:
    """A `tel:` link target in international form (0912 345 678 -> +84912345678)."""
    digits = _NOT_DIAL.sub("", phone or "")
    if not digits:
        return ""
    if digits.startswith("0"):
        digits = "+84" + digits[1:]
    return f"tel:{digits}"


@register.simple_tag
def osm_url(latitude, longitude, zoom: int = 14) -> str:
    """A plain OpenStreetMap link with a marker: no map script on our pages."""
    if latitude is None or longitude is None:
        return ""
    lat, lng = _coordinate(latitude), _coordinate(longitude)
    return (
        f"https://www.openstreetmap.org/?mlat={lat}&mlon={lng}#map={zoom}/{lat}/{lng}"
    )


def _coordinate(value) -> str:
    # Always a dot decimal separator, whatever the active locale formats.
    return format(Decimal(value).normalize(), "f")


@register.filter
def rich_text_excerpt(html: str, words: int = 30) -> str:
    """Plain-text opening of a rich text field, for cards and meta descriptions."""
    # Unescaped here because the template escapes the result again.
    text = " ".join(unescape(strip_tags(html or "")).split())
    return Truncator(text).words(int(words), truncate="…")


@register.simple_tag(takes_context=True)
def absolute_url(context, url: str) -> str:
    request = context.get("request")
    if not url or request is None:
        return url or ""
    return request.build_absolute_uri(url)


@register.simple_tag(takes_context=True)
def cooperative_json_ld(context, cooperative, image_url: str = ""):
    """schema.org Organization data for search engines, as a JSON-LD script."""
    request = context.get("request")
    url = cooperative.get_absolute_url()
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": cooperative.name,
        "url": request.build_absolute_uri(url) if request else url,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": cooperative.street,
            "addressLocality": cooperative.commune_name,
            "addressRegion": cooperative.province_name,
            "addressCountry": "VN",
        },
    }
    description = rich_text_excerpt(cooperative.story, 60)
    optional = {
        "description": description,
        "logo": image_url,
        "telephone": cooperative.phone,
        "email": cooperative.email,
        "sameAs": [cooperative.website] if cooperative.website else None,
        "foundingDate": str(cooperative.founded_year)
        if cooperative.founded_year
        else None,
    }
    data.update({key: value for key, value in optional.items() if value})
    if cooperative.latitude is not None and cooperative.longitude is not None:
        data["location"] = {
            "@type": "Place",
            "geo": {
                "@type": "GeoCoordinates",
                "latitude": float(cooperative.latitude),
                "longitude": float(cooperative.longitude),
            },
        }
    payload = json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    return format_html(
        '<script type="application/ld+json">{}</script>', mark_safe(payload)
    )


@register.simple_tag(takes_context=True)
def per_visitor(context, name: str, arg="", shown=None):
    """A part of the page that differs per visitor or per view (the cart link,
    a scan count), left as a hole while the page is recorded for the page cache
    (producers.fragments)."""
    return fragments.part(context.get("request"), name, arg, shown)
