"""Parts of a public page that differ from one visitor or one view to the next.

A page kept in the page cache (cms.page_cache) is the same for every anonymous
visitor, except for a few small parts: the cart link in the header, the count
of scans on a trace page. A template writes those with
``{% per_visitor "name" arg %}``: normally the part itself; while the page is
being recorded for the cache, a hole that `fill` later fills in for each
visitor who gets the page. Each app registers the parts it owns (`register`),
so the cache needs to know none of them.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.utils.safestring import mark_safe

# name -> fill(request, arg) -> HTML
_PARTS: dict[str, Callable[[object, str], str]] = {}

HOLE = "<!--per-visitor:{name}:{arg}-->"
HOLE_PATTERN = re.compile(rb"<!--per-visitor:([a-z_]+):([\w\-]*)-->")
HOLE_START = b"<!--per-visitor:"

# Attributes set on the request while its page is recorded for the cache.
RECORDING = "_per_visitor_recording"
_ALREADY_SHOWN = "_per_visitor_shown"


def register(name: str, fill: Callable[[object, str], str]) -> None:
    """Make `{% per_visitor name %}` available; `fill(request, arg)` draws it."""
    _PARTS[name] = fill


def start_recording(request) -> None:
    setattr(request, RECORDING, True)
    setattr(request, _ALREADY_SHOWN, {})


def stop_recording(request) -> None:
    setattr(request, RECORDING, False)


def part(request, name: str, arg="", shown: str | None = None) -> str:
    """The part itself, or a hole if the page is being recorded.

    `shown`: what the view already computed for this request (a scan counted
    by the view must not be counted again when its hole is filled).
    """
    arg = str(arg)
    if request is None or not getattr(request, RECORDING, False):
        return shown if shown is not None else _PARTS[name](request, arg)
    if shown is not None:
        getattr(request, _ALREADY_SHOWN)[(name, arg)] = shown
    return mark_safe(HOLE.format(name=name, arg=arg))  # noqa: S308 - fixed text


def has_holes(body: bytes) -> bool:
    return HOLE_START in body


def fill(body: bytes, request) -> bytes:
    """`body` with every hole filled in for `request`."""
    if not has_holes(body):
        return body
    return HOLE_PATTERN.sub(
        lambda match: fill_hole(request, match.group(1), match.group(2)), body
    )


def fill_hole(request, name: bytes, arg: bytes) -> bytes:
    """What the hole `name`/`arg` (as HOLE_PATTERN reads them) holds for `request`."""
    name, arg = name.decode(), arg.decode()
    shown = getattr(request, _ALREADY_SHOWN, None) or {}
    if (name, arg) in shown:
        return str(shown[(name, arg)]).encode()
    return str(_PARTS[name](request, arg)).encode()
