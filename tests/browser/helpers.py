"""What several browser tests share."""

# A common Android phone's viewport, in CSS pixels.
PHONE = {"width": 390, "height": 844}


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than the viewport (0: none)."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
