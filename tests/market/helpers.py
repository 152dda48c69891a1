import datetime

from django.utils import timezone


def names(response) -> list[str]:
    """Product names on a catalogue or search page, in display order."""
    return [product.name for product in response.context["products"]]


def published(days_ago: int):
    return timezone.now() - datetime.timedelta(days=days_ago)
