"""Sections that higher apps add to the public cooperative profile.

`producers` must not import the apps built on it, so the product list on a
cooperative's page is supplied by `market` through this registry at start-up.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class ProfileSection:
    template: str
    context: dict = field(default_factory=dict)
    order: int = 100


SectionBuilder = Callable[..., ProfileSection | None]
_builders: list[SectionBuilder] = []


def register_section(builder: SectionBuilder) -> None:
    """Register `builder(request, cooperative)`, which returns a section or None."""
    if builder not in _builders:
        _builders.append(builder)


def sections_for(request, cooperative) -> list[ProfileSection]:
    built = (builder(request, cooperative) for builder in _builders)
    return sorted((s for s in built if s is not None), key=lambda s: s.order)
