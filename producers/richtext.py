"""Rich text as Wagtail stores it, and nothing else.

Draftail turns what an editor types into Wagtail's stored format, but a
RichTextField can also be written by code (demo data, imports, the shell) or by
a crafted form post. `sanitise_rich_text` keeps exactly the tags and attributes
the field's features produce (`<p>`, `<b>`, `<a href>` or
`<a linktype="page" id="3">`, `<embed embedtype="image" .../>`...) and drops the
rest: scripts and styles with their content, event handlers, `javascript:` and
`data:` addresses, frames, SVG. Text the editor wrote is kept, escaped.

Content already in the stored format comes out unchanged, so running it again
(or on existing content) changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import nh3

# What the editor offers when a field names no features (Wagtail's default).
DEFAULT_FEATURES = (
    "h2",
    "h3",
    "h4",
    "ol",
    "ul",
    "bold",
    "italic",
    "link",
    "hr",
    "document-link",
    "image",
    "embed",
)
# Feature -> the tags its stored format uses.
FEATURE_TAGS = {
    "bold": {"b"},
    "italic": {"i"},
    "h1": {"h1"},
    "h2": {"h2"},
    "h3": {"h3"},
    "h4": {"h4"},
    "h5": {"h5"},
    "h6": {"h6"},
    "ol": {"ol", "li"},
    "ul": {"ul", "li"},
    "hr": {"hr"},
    "code": {"code"},
    "superscript": {"sup"},
    "subscript": {"sub"},
    "strikethrough": {"s"},
    "blockquote": {"blockquote"},
    "link": {"a"},
    "document-link": {"a"},
    "image": {"embed"},
    "embed": {"embed"},
}
# Blocks, which carry Draftail's key.
BLOCK_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote"}
# Tags whose content is dropped with them, not kept as text.
DROPPED_WITH_CONTENT = {
    "script",
    "style",
    "iframe",
    "object",
    "svg",
    "math",
    "template",
    "noscript",
    "frame",
    "frameset",
    "applet",
    "textarea",
    "select",
    "title",
    "head",
}
# External links: web and mail addresses, phone numbers; relative addresses too.
URL_SCHEMES = {"http", "https", "mailto", "tel"}
# Words browsers and Wagtail's own converter write for the same tags.
_SYNONYMS = re.compile(r"<(/?)(strong|em)\b", re.IGNORECASE)
_SYNONYM_TAG = {"strong": "b", "em": "i"}
# Wagtail's reader finds `<embed .../>` only with the slash; `<br/>` and
# `<hr/>` are how its converter writes the others.
_VOID = re.compile(r"<(br|hr|embed)\b([^>]*?)\s*/?>")
_EMBED_COMPLETE = re.compile(
    r'embedtype="image".* id="|id=".* embedtype="image"|embedtype="media".* url="'
    r'|url=".* embedtype="media"'
)
_DIGITS = re.compile(r"^\d{1,18}$")
_FORMAT = re.compile(r"^[\w-]{1,50}$")


def _allowed(features: Iterable[str] | None):
    features = set(DEFAULT_FEATURES if features is None else features)
    tags = {"p", "br"}
    for feature in features:
        tags |= FEATURE_TAGS.get(feature, set())
    # Draftail's block keys, which Wagtail keeps for comments on blocks.
    attributes: dict[str, set[str]] = {
        tag: {"data-block-key"} for tag in tags & BLOCK_TAGS
    }
    values: dict[str, dict[str, set[str]]] = {}
    if "a" in tags:
        linktypes = set()
        if "link" in features:
            linktypes.add("page")
            attributes["a"] = {"href", "id"}
        if "document-link" in features:
            linktypes.add("document")
            attributes.setdefault("a", set()).add("id")
        values["a"] = {"linktype": linktypes}
    if "embed" in tags:
        embedtypes = set()
        attributes["embed"] = set()
        if "image" in features:
            embedtypes.add("image")
            attributes["embed"] |= {"id", "format", "alt"}
        if "embed" in features:
            embedtypes.add("media")
            attributes["embed"].add("url")
        values["embed"] = {"embedtype": embedtypes}
    return tags, attributes, values


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "id" and not _DIGITS.match(value):
        return None
    if attribute == "data-block-key" and not _FORMAT.match(value):
        return None
    if attribute == "format" and not _FORMAT.match(value):
        return None
    if attribute == "url" and not value.lower().startswith(("https://", "http://")):
        return None
    return value


def _close_void(match: re.Match) -> str:
    tag, attributes = match.group(1), match.group(2)
    if tag == "embed" and not _EMBED_COMPLETE.search(attributes):
        return ""  # of a kind the field does not offer, or missing what it names
    return f"<{tag}{attributes}/>"


def sanitise_rich_text(html: str | None, features: Iterable[str] | None = None) -> str:
    """`html` reduced to Wagtail's stored rich text for `features`."""
    if not html:
        return html or ""
    tags, attributes, values = _allowed(features)
    html = _SYNONYMS.sub(
        lambda m: f"<{m.group(1)}{_SYNONYM_TAG[m.group(2).lower()]}", html
    )
    cleaned = nh3.clean(
        html,
        tags=tags,
        clean_content_tags=DROPPED_WITH_CONTENT - tags,
        attributes=attributes,
        attribute_filter=_attribute_filter,
        tag_attribute_values=values,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )
    # Wagtail's converter writes non-breaking spaces as the character itself.
    cleaned = cleaned.replace("&nbsp;", "\u00a0")
    return _VOID.sub(_close_void, cleaned)


def rich_text_fields(model) -> list:
    """The model's RichTextFields (Wagtail's), found by their class."""
    from wagtail.fields import RichTextField

    return [f for f in model._meta.concrete_fields if isinstance(f, RichTextField)]


def sanitise_instance(instance) -> None:
    """Clean every RichTextField of a model instance in place (call from save)."""
    for field in rich_text_fields(type(instance)):
        value = getattr(instance, field.attname)
        if value:
            setattr(
                instance,
                field.attname,
                sanitise_rich_text(value, getattr(field, "features", None)),
            )


class CleanRichTextMixin:
    """A model whose RichTextFields are cleaned in `clean()` and `save()`.

    `clean()` covers forms (the editor's preview and drafts included), `save()`
    what code writes; Wagtail pages run both when they are published.
    """

    def clean(self):
        super().clean()
        sanitise_instance(self)

    def save(self, *args, **kwargs):
        sanitise_instance(self)
        return super().save(*args, **kwargs)
