"""A set of months stored as a 12-bit mask, so "in season now" is one indexed test."""

import re

from django import forms
from django.db import models
from django.utils.dates import MONTHS

# Django's lazy month names ("Tháng 1", "January"): formatting a lazy string here
# would freeze it in the language active at import, so English editors saw Vietnamese.
MONTH_CHOICES = list(MONTHS.items())
# One month or a range in the written form, e.g. "11" or "1-3".
MONTH_RANGE = re.compile(r"^(\d{1,2})(?:\s*-\s*(\d{1,2}))?$")


def months_to_mask(months) -> int:
    mask = 0
    for month in months:
        month = int(month)
        if not 1 <= month <= 12:
            raise ValueError(month)
        mask |= 1 << (month - 1)
    return mask


def mask_to_months(mask: int) -> list[int]:
    return [m for m in range(1, 13) if mask & (1 << (m - 1))]


def parse_months(text: str) -> int:
    """ "1-3,11" -> a month mask; "" -> 0 (all year)."""
    months = []
    for part in re.split(r"[,;]", text):
        part = part.strip()
        if not part:
            continue
        match = MONTH_RANGE.match(part)
        if not match:
            raise ValueError(part)
        start = int(match[1])
        end = int(match[2] or start)
        if not (1 <= start <= 12 and 1 <= end <= 12 and start <= end):
            raise ValueError(part)
        months.extend(range(start, end + 1))
    return months_to_mask(months)


def format_months(mask: int) -> str:
    """A month mask as "1-3,11" (ranges of consecutive months)."""
    parts, months = [], mask_to_months(mask)
    while months:
        start = end = months.pop(0)
        while months and months[0] == end + 1:
            end = months.pop(0)
        parts.append(str(start) if start == end else f"{start}-{end}")
    return ",".join(parts)


def month_bit(month: int) -> int:
    return 1 << (month - 1)


class MonthsFormField(forms.TypedMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.pop("max_value", None)
        kwargs.pop("min_value", None)
        kwargs.setdefault("choices", MONTH_CHOICES)
        kwargs["coerce"] = int
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, int):
            return mask_to_months(value)
        return value

    def has_changed(self, initial, data):
        return super().has_changed(self.prepare_value(initial), data)

    def clean(self, value):
        return months_to_mask(super().clean(value))


class MonthsField(models.PositiveSmallIntegerField):
    """Months of the year (1-12) a product is in season, as a bit mask."""

    def formfield(self, **kwargs):
        return models.Field.formfield(
            self, **{"form_class": MonthsFormField, "required": False, **kwargs}
        )
