"""Checks every uploaded file passes before it is kept: size, real type, pixels, zips.

A file is judged by its first bytes (its "magic"), not by its name or by the
type the browser claims: a page of HTML or SVG renamed "anh.jpg" would be served
from the site's own address and run its scripts there. Only the binary formats
each upload point needs are accepted; markup never is.

Everything here reads a bounded number of bytes: the head of a file, an image's
header (Pillow reads the dimensions without decoding a pixel), a zip's directory
and, for zips, each member streamed a block at a time. Refusals are
`ValidationError`s with a message for the person who uploaded the file.

Used by the Wagtail image and document forms (producers/upload_forms.py), trace
evidence (producers/trace_admin.py) and the product import (market).
"""

from __future__ import annotations

import io
import warnings
import zipfile
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# How much of a file is read to tell its type.
HEAD_BYTES = 1024

# Kinds of file, told from their first bytes.
PDF, JPEG, PNG, GIF, WEBP, AVIF = "pdf", "jpeg", "png", "gif", "webp", "avif"
ZIP = "zip"
IMAGE_KINDS = {JPEG, PNG, GIF, WEBP, AVIF}
KIND_NAMES = {
    PDF: "PDF",
    JPEG: "JPEG",
    PNG: "PNG",
    GIF: "GIF",
    WEBP: "WebP",
    AVIF: "AVIF",
    ZIP: "ZIP",
}
MIME_TYPES = {
    PDF: "application/pdf",
    JPEG: "image/jpeg",
    PNG: "image/png",
    GIF: "image/gif",
    WEBP: "image/webp",
    AVIF: "image/avif",
    ZIP: "application/zip",
}
# The kind each file name extension promises.
EXTENSION_KINDS = {
    "pdf": PDF,
    "jpg": JPEG,
    "jpeg": JPEG,
    "png": PNG,
    "gif": GIF,
    "webp": WEBP,
    "avif": AVIF,
    "xlsx": ZIP,
}
# Words that mark a file as markup or a script when no binary format matched.
_MARKUP = (
    b"<svg",
    b"<html",
    b"<!doctype",
    b"<?xml",
    b"<script",
    b"<?php",
    b"<body",
    b"<head",
    b"<iframe",
    b"<object",
    b"<embed",
    b"<a ",
    b"<img",
    b"<meta",
    b"<div",
    b"javascript:",
)


def extension_of(name: str | None) -> str:
    name = (name or "").rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def read_head(upload, size: int = HEAD_BYTES) -> bytes:
    """The first `size` bytes of an uploaded file, leaving it at its start."""
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head or b""


def sniff(head: bytes) -> str | None:
    """The kind of file these first bytes start, or None."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[4:8] == b"ftyp":
        # The major brand, then the compatible ones, up to the box's end.
        end = min(int.from_bytes(head[:4], "big"), len(head))
        brands = [head[i : i + 4] for i in range(8, end - 3, 4)]
        if b"avif" in brands or b"avis" in brands:
            return AVIF
    if head[:4] == b"PK\x03\x04":
        return ZIP
    return None


def looks_like_markup(head: bytes) -> bool:
    """HTML, SVG, XML or a script, even behind a byte-order mark or spaces."""
    text = head.lstrip(b"\xef\xbb\xbf\xfe\xff\x00 \t\r\n").lower().replace(b"\x00", b"")
    return text.startswith(b"<") or any(word in text for word in _MARKUP)


def _names(kinds: Iterable[str]) -> str:
    """ "PDF, JPEG, PNG hoặc WebP"."""
    names = [KIND_NAMES[k] for k in sorted(kinds, key=list(KIND_NAMES).index)]
    if len(names) < 2:
        return "".join(names)
    return _("%(list)s hoặc %(last)s") % {
        "list": ", ".join(names[:-1]),
        "last": names[-1],
    }


def check_file(
    upload,
    *,
    kinds: Iterable[str],
    max_bytes: int | None,
    extensions: Iterable[str] | None = None,
) -> str:
    """Refuse `upload` unless it is one of `kinds`, named as such, within the size.

    Returns the kind, and sets the upload's content_type to match it (never the
    type the browser claimed). `extensions` limits the names accepted (default: every
    extension of the accepted kinds).
    """
    kinds = set(kinds)
    name = upload.name or ""
    if extensions is None:
        extensions = {e for e, k in EXTENSION_KINDS.items() if k in kinds}
    extension = extension_of(name)
    if extension not in set(extensions):
        raise ValidationError(
            _("Tệp “%(name)s”: chỉ nhận %(kinds)s.")
            % {"name": name, "kinds": _names(kinds)},
            code="file_type",
        )
    size = getattr(upload, "size", None)
    if max_bytes is not None and size is not None and size > max_bytes:
        raise ValidationError(
            _("Tệp “%(name)s” quá lớn (%(size)s): tối đa %(max)s mỗi tệp.")
            % {
                "name": name,
                "size": filesizeformat(size),
                "max": filesizeformat(max_bytes),
            },
            code="file_size",
        )
    head = read_head(upload)
    if not head:
        raise ValidationError(
            _("Tệp “%(name)s” trống.") % {"name": name}, code="file_empty"
        )
    kind = sniff(head)
    if kind is None and looks_like_markup(head):
        raise ValidationError(
            _(
                "Tệp “%(name)s” là trang web, ảnh SVG hay mã lệnh dưới tên khác: "
                "không nhận loại tệp này. Hãy tải lên tệp %(kinds)s thật."
            )
            % {"name": name, "kinds": _names(kinds)},
            code="file_markup",
        )
    if kind not in kinds or EXTENSION_KINDS.get(extension) != kind:
        raise ValidationError(
            _("Tệp “%(name)s” không phải là tệp %(type)s hợp lệ.")
            % {
                "name": name,
                "type": KIND_NAMES.get(
                    EXTENSION_KINDS.get(extension), extension.upper()
                ),
            },
            code="file_content",
        )
    # The type the browser claimed is not believed either: storages (S3) send
    # the file's content_type back as the Content-Type it is served with.
    upload.content_type = MIME_TYPES[kind]
    return kind


def check_image_pixels(upload, max_pixels: int | None) -> tuple[int, int]:
    """Refuse an image with more pixels than `max_pixels`, reading its header only.

    Pillow's `open` reads the dimensions without decoding; an image far beyond
    Pillow's own limit (a decompression bomb) is refused by Pillow itself.
    """
    from PIL import Image, UnidentifiedImageError

    name = upload.name or ""
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                width, height = image.size
    except Image.DecompressionBombError:
        width = height = None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as error:
        raise ValidationError(
            _("Tệp “%(name)s” không phải là ảnh hợp lệ hoặc đã bị hỏng.")
            % {"name": name},
            code="invalid_image",
        ) from error
    finally:
        upload.seek(0)
    if width is None or (max_pixels is not None and width * height > max_pixels):
        raise ValidationError(
            _(
                "Ảnh “%(name)s” quá nhiều điểm ảnh%(size)s: tối đa %(max)s triệu "
                "điểm ảnh. Hãy thu nhỏ ảnh rồi tải lên lại."
            )
            % {
                "name": name,
                "size": f" ({width} × {height})" if width else "",
                "max": f"{(max_pixels or 0) / 1_000_000:g}".replace(".", ","),
            },
            code="file_too_many_pixels",
        )
    return width, height


# --- Zips (XLSX) ---------------------------------------------------------------------

_STREAM_BLOCK = 64 * 1024
_DOCTYPE = (b"<!doctype", b"<!entity")
# The parts of an Office file that are XML (pictures inside are not scanned).
_XML_PARTS = (".xml", ".rels", ".vml")


def inspect_zip(
    data: bytes,
    *,
    max_members: int,
    max_total_bytes: int,
    max_ratio: int,
    forbid_doctype: bool = True,
) -> list[zipfile.ZipInfo]:
    """Refuse a zip that is damaged, too many files, or inflates too much.

    The sizes a zip declares can lie, so each member is also streamed (a block
    at a time, never whole) and counted; with `forbid_doctype` an XML member
    declaring a DOCTYPE or entities (which Office files never do) is refused.
    Raises ZipRefused (a ValueError) naming the reason; returns the members.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as error:
        raise ZipRefused("damaged") from error
    if len(members) > max_members:
        raise ZipRefused("members")
    declared = sum(m.file_size for m in members)
    if declared > max_total_bytes or any(
        m.file_size > max_ratio * max(m.compress_size, 1024) for m in members
    ):
        raise ZipRefused("inflates")
    total = 0
    try:
        for member in members:
            if member.is_dir():
                continue
            tail = b""
            scan = forbid_doctype and member.filename.lower().endswith(_XML_PARTS)
            with archive.open(member) as stream:
                while block := stream.read(_STREAM_BLOCK):
                    total += len(block)
                    if total > max_total_bytes:
                        raise ZipRefused("inflates")
                    if scan:
                        window = (tail + block).lower()
                        if any(word in window for word in _DOCTYPE):
                            raise ZipRefused("doctype")
                        tail = block[-16:]
    except ZipRefused:
        raise
    except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError) as error:
        raise ZipRefused("damaged") from error
    return members


class ZipRefused(ValueError):
    """Why a zip is refused: "damaged", "members", "inflates" or "doctype"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason
