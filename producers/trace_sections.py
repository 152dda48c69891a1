"""Sections that higher apps add to a lot's public trace page.

`producers` must not import the apps built on it, so what the lot is sold as
(the market product: photo, price, a link to buy it) is supplied by `market`
through this registry at start-up, as `producers.profile` does for the
cooperative page.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class TraceSection:
    """A piece of the trace page rendered from another app's template.

    `placement` is "product" for the product card at the top of the page and
    "main" for sections after the timeline. `json_ld` is merged into the page's
    schema.org Product (for example its `offers` and `image`).
    """

    template: str
    context: dict = field(default_factory=dict)
    order: int = 100
    placement: str = "main"
    json_ld: dict = field(default_factory=dict)


SectionBuilder = Callable[..., TraceSection | None]
_builders: list[SectionBuilder] = []


def register_section(builder: SectionBuilder) -> None:
    """Register `builder(request, lot)`, which returns a section or None."""
    if builder not in _builders:
        _builders.append(builder)


def sections_for(request, lot) -> list[TraceSection]:
    built = (builder(request, lot) for builder in _builders)
    return sorted((s for s in built if s is not None), key=lambda s: s.order)
