import pytest
from django.template import Context, Template
from django.utils import translation

from market.money import format_unit_price, format_vnd


@pytest.mark.parametrize(
    ("amount", "vi", "en"),
    [
        (150000, "150.000 ₫", "₫150,000"),
        (0, "0 ₫", "₫0"),
        (999, "999 ₫", "₫999"),
        (1000, "1.000 ₫", "₫1,000"),
        (1234567890, "1.234.567.890 ₫", "₫1,234,567,890"),
        (-25000, "-25.000 ₫", "-₫25,000"),
    ],
)
def test_vnd_is_grouped_the_way_each_language_reads_it(amount, vi, en):
    assert format_vnd(amount, "vi") == vi
    assert format_vnd(amount, "en") == en


def test_vnd_follows_the_active_language():
    with translation.override("vi"):
        assert format_vnd(150000) == "150.000 ₫"
    with translation.override("en"):
        assert format_vnd(150000) == "₫150,000"


@pytest.mark.parametrize("value", [None, "", "abc", object()])
def test_vnd_of_something_that_is_not_an_amount_is_empty(value):
    assert format_vnd(value, "vi") == ""


def test_unit_price_puts_the_unit_after_a_slash():
    assert format_unit_price(150000, "kg", "vi") == "150.000 ₫ / kg"
    assert format_unit_price(85000, "hũ", "vi") == "85.000 ₫ / hũ"
    assert format_unit_price(150000, "kg", "en") == "₫150,000 / kg"
    assert format_unit_price(150000, "", "vi") == "150.000 ₫"


def test_vnd_template_filter_uses_the_request_language():
    template = Template("{% load market_tags %}{{ amount|vnd }}")
    with translation.override("vi"):
        assert template.render(Context({"amount": 150000})) == "150.000 ₫"
    with translation.override("en"):
        assert template.render(Context({"amount": 150000})) == "₫150,000"
