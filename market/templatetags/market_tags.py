"""Template helpers for the public catalogue: money, months and structured data."""

import json

from django import template
from django.utils.dates import MONTHS
from django.utils.safestring import mark_safe

from market.money import format_unit_price, format_vnd

register = template.Library()

# Characters that could end the <script> element or confuse an HTML parser,
# written as JSON escapes, which mean the same to a JSON reader.
_SCRIPT_SAFE = {
    ord("<"): "\\u003C",
    ord(">"): "\\u003E",
    ord("&"): "\\u0026",
    ord("\u2028"): "\\u2028",
    ord("\u2029"): "\\u2029",
}


@register.filter
def vnd(amount):
    """150000 -> "150.000 ₫" (vi) or "₫150,000" (en)."""
    return format_vnd(amount)


@register.filter
def unit_price(product):
    """A product's price per unit, e.g. "150.000 ₫ / kg"."""
    return format_unit_price(product.price, product.get_unit_display())


@register.filter
def month_names(months):
    """[1, 2] -> ["Tháng 1", "Tháng 2"] in the current language."""
    return [str(MONTHS[month]) for month in months if month in MONTHS]


@register.simple_tag
def json_ld(data):
    """`data` as a JSON-LD script element, safe whatever strings it holds."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return mark_safe(  # noqa: S308 - the JSON text is escaped for a script element above
        f'<script type="application/ld+json">{text.translate(_SCRIPT_SAFE)}</script>'
    )
