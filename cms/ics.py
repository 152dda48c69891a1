"""iCalendar (RFC 5545) files for the district's events: "Thêm vào lịch"."""

import datetime

from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

PRODID = "-//Cho Nong San Nghe An//Su kien//VI"
MAX_LINE_OCTETS = 75


def escape_text(value: str) -> str:
    """A TEXT value: backslash, semicolon, comma and newlines escaped (3.3.11)."""
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """A content line folded at 75 octets (3.1), never inside a UTF-8 character;
    each continuation starts with one space, which counts towards its 75."""
    parts = []
    current = b""
    limit = MAX_LINE_OCTETS
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > limit:
            parts.append(current)
            current = b" "
            limit = MAX_LINE_OCTETS
        current += encoded
    parts.append(current)
    return b"\r\n".join(parts).decode()


def utc(value: datetime.datetime) -> str:
    """A DATE-TIME in UTC form, 20260314T010000Z."""
    return value.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def event_lines(event, request, stamp: datetime.datetime) -> list[str]:
    """The VEVENT of an EventPage, as unfolded content lines."""
    host = request.get_host().split(":")[0] if request else "localhost"
    lines = [
        "BEGIN:VEVENT",
        f"UID:{event.translation_key}@{host}",
        f"DTSTAMP:{utc(stamp)}",
        f"DTSTART:{utc(event.start)}",
        f"DTEND:{utc(event.end)}",
        f"SUMMARY:{escape_text(event.title)}",
    ]
    location = ", ".join(part for part in (event.venue, event.address) if part)
    if location:
        lines.append(f"LOCATION:{escape_text(location)}")
    if event.has_location:
        # GEO is two FLOATs separated by a semicolon, not escaped TEXT.
        lines.append(f"GEO:{float(event.latitude):.6f};{float(event.longitude):.6f}")
    url = event.get_full_url(request)
    if url:
        lines.append(f"URL:{url}")
    # ORGANIZER needs an address (CAL-ADDRESS); the organiser's name goes here.
    organiser = (
        _("Đơn vị tổ chức: %(name)s") % {"name": event.organiser}
        if event.organiser
        else ""
    )
    description = "\n\n".join(
        part for part in (strip_tags(event.intro or ""), organiser, url) if part
    )
    if description:
        lines.append(f"DESCRIPTION:{escape_text(description)}")
    if event.last_published_at:
        lines.append(f"LAST-MODIFIED:{utc(event.last_published_at)}")
    lines.append("END:VEVENT")
    return lines


def calendar(events, request, name: str = "") -> str:
    """A VCALENDAR holding `events`, CRLF line endings, lines folded."""
    stamp = timezone.now()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    if name:
        lines.append(f"X-WR-CALNAME:{escape_text(name)}")
    for event in events:
        lines.extend(event_lines(event, request, stamp))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
