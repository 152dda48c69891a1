"""Showing amounts of Vietnamese dong: whole numbers, no minor unit.

Vietnamese readers group thousands with dots and put the symbol after the
number ("150.000 ₫"); English readers expect "₫150,000".
"""

from django.utils.translation import get_language

SYMBOL = "₫"


def _is_english(language: str | None) -> bool:
    language = language or get_language() or "vi"
    return language.lower().startswith("en")


def format_vnd(amount: int | None, language: str | None = None) -> str:
    """Return `amount` dong as buyers of `language` (default: current) read it."""
    if amount is None or amount == "":
        return ""
    try:
        amount = int(amount)
    except (TypeError, ValueError):
        return ""
    sign = "-" if amount < 0 else ""
    grouped = format_number(abs(amount), language)
    if _is_english(language):
        return f"{sign}{SYMBOL}{grouped}"
    return f"{sign}{grouped} {SYMBOL}"


def format_number(value: float, language: str | None = None) -> str:
    """A whole number with grouped thousands: "12.500" in vi, "12,500" in en."""
    grouped = f"{round(value):,}"
    return grouped if _is_english(language) else grouped.replace(",", ".")


def format_percent(value: float | None, language: str | None = None) -> str:
    """A share with one decimal: "12,3 %" in vi, "12.3%" in en; "—" for none."""
    if value is None:
        return "—"
    if _is_english(language):
        return f"{value:.1f}%"
    return f"{value:.1f}".replace(".", ",") + " %"


def format_unit_price(
    amount: int | None, unit_label: str, language: str | None = None
) -> str:
    """A price per unit, e.g. "150.000 ₫ / kg"."""
    price = format_vnd(amount, language)
    if not price or not unit_label:
        return price
    return f"{price} / {unit_label}"
