"""Hostile values for the fuzz tests, and the checks every response must pass.

The strategies produce strings a browser, a script or a scanner could send: very
long ones, Unicode edge cases (combining marks, bidirectional overrides, NUL and
other control characters, lone surrogates, emoji, Vietnamese written with and
without diacritics, decomposed, fullwidth), SQL and HTML metacharacters, numbers
that are negative, huge or not quite numbers, path traversal, format strings and
CRLF. Values are sent percent-encoded as UTF-8; a lone surrogate, which UTF-8
cannot encode, goes out as the invalid bytes a careless client would send.

Some values carry a marker of HTML (`<zq9x ...>`, `"><script>zq9()</script>`,
`"zq9q=`): if a page shows one without escaping it, the page reflects HTML.
"""

import json
import os
import re
from urllib.parse import quote, urlsplit

from django.utils.http import url_has_allowed_host_and_scheme
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Markers of injected markup; a page may show them only escaped.
TAG_MARKER = "<zq9x onmouseover=1>"
SCRIPT_MARKER = '"><script>zq9()</script>'
ATTRIBUTE_MARKER = "' \"zq9q=1 '"
MARKERS = [TAG_MARKER, SCRIPT_MARKER, ATTRIBUTE_MARKER]
# What may never appear raw in an HTML body. Django escapes < > " ' in text and
# attributes alike, so any of these means a value went out unescaped. XML text
# may hold a bare quote (feeds escape only < > & there): tags alone count.
_UNESCAPED = re.compile(rb"<zq9x|<script>zq9|(?<!\\)[\"']zq9q=")
_UNESCAPED_XML = re.compile(rb"<zq9x|<script>zq9")

# Named hostile values: each kind the brief of the fuzz test lists, and some
# found to be useful against Django in particular.
NASTY = [
    # HTML and script
    TAG_MARKER,
    SCRIPT_MARKER,
    ATTRIBUTE_MARKER,
    "<img src=x onerror=zq9()>",
    "javascript:zq9()",
    "</textarea><zq9x onmouseover=1>",
    "</script><script>zq9()</script>",
    "{{ request }}{% debug %}",
    # SQL and LIKE
    "' OR 1=1 --",
    '"; DROP TABLE market_product; --',
    "%",
    "_",
    "\\",
    "%%_\\%",
    "1' AND SLEEP(5)#",
    "' UNION SELECT password FROM auth_user --",
    # Path traversal
    "../../../../etc/passwd",
    "..%2f..%2f..%2fetc%2fpasswd",
    "....//....//etc/passwd",
    "..\\..\\windows\\win.ini",
    "%2e%2e/",
    "/etc/passwd%00.png",
    # Format strings
    "%s%s%s%s%n",
    "%(secret)s",
    "{0}{1}{__class__}",
    "{}",
    "${7*7}",
    "%d %x %p",
    # CRLF and header injection
    "\r\nSet-Cookie: zq9=1",
    "a\r\nLocation: https://evil.example/",
    "%0d%0aSet-Cookie:%20zq9=1",
    # Control characters
    "\x00",
    "a\x00b",
    "\x01\x02\x07\x08\x0b\x0c\x1b\x7f",
    "\t\n\r",
    "\x85\u2028\u2029",
    # Unicode edge cases
    "\u202eelif.exe\u202dgpj",  # RTL override
    "\u200b\u200c\u200d\ufeff",  # zero-width, BOM
    "e" + "\u0301\u0302\u0303\u0308" * 40,  # a stack of combining marks
    "\u0301leading combining mark",
    "Chè búp khô Thanh Chương",
    "Che bup kho Thanh Chuong",
    "Chè búp khô".encode().decode("utf-8"),
    "Cha\u0300 bu\u0301p kho\u0302",  # Vietnamese, decomposed (NFD)
    "ĐẶC SẢN ĐỒNG BẰNG",
    "ｃｈè　ｂúｐ",  # fullwidth letters and ideographic space
    "＜zq9x＞",  # fullwidth angle brackets
    "１２３",  # fullwidth digits
    "٣",  # an Arabic-Indic digit: int() reads it, "isdigit" too
    "²",  # a superscript: isdigit() says yes, int() says no
    "Ⅻ",
    "🍵🍊",
    "👩🏽‍🌾",  # a ZWJ sequence
    "🇻🇳",
    "\U0010ffff",
    "\ud800",  # a lone high surrogate
    "a\udfffb",  # a lone low surrogate
    "\ud83c",  # half an emoji
    "İıǅ",  # case mapping traps
    "ß" * 3,
    # Numbers
    "-1",
    "0",
    "-0",
    "00000000000000000001",
    "9" * 30,
    "-" + "9" * 30,
    str(2**63),
    str(2**64 + 1),
    str(-(2**63) - 1),
    "1e309",
    "NaN",
    "inf",
    "-inf",
    "0x1F",
    "1_000",
    " 42 ",
    "4.2",
    "1,5",
    "150.000",
    # Emptiness and oddities
    "",
    " ",
    "null",
    "None",
    "undefined",
    "true",
    "[]",
    "{}",
    '{"$gt": ""}',
    "a" * 300,
    "//evil.example/",
    "https://evil.example/",
    "\\\\evil.example",
    "/\\evil.example",
    "///evil.example",
    "https:evil.example",
    " https://evil.example",
    "\x01https://evil.example",
    "http://testserver@evil.example/",
]

# Values to try where an address is expected (next=, redirect targets).
OPEN_REDIRECTS = [
    "https://evil.example/",
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "https:evil.example",
    "https:/evil.example",
    " //evil.example",
    "\t//evil.example",
    "/\t/evil.example",
    "\x01//evil.example",
    "http://testserver@evil.example/",
    "http://evil.example\\@testserver/",
    "javascript:alert(1)",
    "data:text/html,<zq9x>",
    "//%65vil.example",
    "/%2F/evil.example",
    "/\r\n/evil.example",
    "//evil.example%2F%2E%2E",
    "https://evil.example\u3002com",
]

_ALPHABET = st.characters(
    codec=None,
    # Everything, surrogates included; the encoder below sends those as bytes.
    categories=None,
)
_SHORT_TEXT = st.text(_ALPHABET, max_size=40)
_SPECIALS = st.text(
    st.sampled_from(list("<>\"'&%;\\/.:?#[]{}()=+*-_|`~!@$^,\x00\r\n\t ")),
    min_size=1,
    max_size=20,
)
_LONG = st.sampled_from(
    [
        "A" * 10_000,
        "đ" * 5_000,
        TAG_MARKER * 200,
        "🍵" * 3_000,
        "%" * 4_000,
        "9" * 5_000,
        ("Chè búp " * 600).strip(),
    ]
)


def hostile_text() -> st.SearchStrategy[str]:
    """Any string an attacker or a broken client could send."""
    named = st.sampled_from(NASTY)
    mixed = st.tuples(named, _SHORT_TEXT, st.sampled_from(MARKERS)).map("".join)
    return st.one_of(named, mixed, _SHORT_TEXT, _SPECIALS, _LONG)


def hostile_number() -> st.SearchStrategy[str]:
    """Something sent where a number belongs."""
    return st.one_of(
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.sampled_from(["1", "2", "3", "10", "40", "17254"]),
        hostile_text(),
    )


def slug_like() -> st.SearchStrategy[str]:
    """Strings Django's slug converter accepts, so the view itself is reached."""
    return st.text(
        st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789-_ZQ"),
        min_size=1,
        max_size=60,
    )


def one_of_or_hostile(*values) -> st.SearchStrategy[str]:
    """A real value (reaching the deep code) about half the time, else hostile."""
    return st.one_of(st.sampled_from([str(v) for v in values]), hostile_text())


# -- encoding ------------------------------------------------------------------


def encode(value: str) -> str:
    """Percent-encoded UTF-8; a lone surrogate becomes its (invalid) UTF-8 bytes."""
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


def query_string(params: list[tuple[str, str]]) -> str:
    return "&".join(f"{encode(key)}={encode(value)}" for key, value in params)


def form_body(params: list[tuple[str, str]]) -> bytes:
    """An application/x-www-form-urlencoded body that may hold invalid UTF-8."""
    return query_string(params).encode("ascii")


FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"


# -- checks ---------------------------------------------------------------------

_MARKUP_TYPES = ("html", "xml", "svg")


def _same_site(location: str) -> bool:
    if location.startswith("/") and not location.startswith(("//", "/\\")):
        return True
    return url_has_allowed_host_and_scheme(location, allowed_hosts={"testserver"})


def check_response(response, label: str, *, allowed_hosts=()) -> None:
    """No server error, no reflected markup, JSON labelled as JSON, no open redirect."""
    status = response.status_code
    assert status < 500, f"{label}: answered {status}"
    content_type = response.get("Content-Type", "")
    body = b"" if getattr(response, "streaming", False) else response.content
    if any(kind in content_type for kind in _MARKUP_TYPES):
        pattern = _UNESCAPED if "html" in content_type else _UNESCAPED_XML
        found = pattern.search(body)
        assert found is None, (
            f"{label}: {content_type} reflects markup unescaped: "
            f"{body[max(found.start() - 80, 0) : found.end() + 80]!r}"
        )
    if body and body.lstrip()[:1] in (b"{", b"[") and status != 304:
        looks_json = True
        try:
            json.loads(body)
        except ValueError:
            looks_json = False
        if looks_json:
            assert "json" in content_type, f"{label}: JSON sent as {content_type!r}"
    if "json" in content_type and body:
        json.loads(body)  # JSON by its label must be JSON
    if 300 <= status < 400 and "Location" in response:
        location = response["Location"]
        host = urlsplit(location).hostname
        assert _same_site(location) or host in allowed_hosts, (
            f"{label}: redirects off the site to {location!r}"
        )
        assert "\r" not in location and "\n" not in location, label
    for name, value in response.items():
        assert "\r" not in value and "\n" not in value, f"{label}: header {name}"


# -- profiles -------------------------------------------------------------------

# Deterministic in CI; HYPOTHESIS_PROFILE=long tries many more examples locally.
settings.register_profile(
    "fuzz",
    derandomize=True,
    deadline=None,
    database=None,
    max_examples=8,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
    print_blob=True,
)
settings.register_profile(
    "fuzz-long",
    parent=settings.get_profile("fuzz"),
    max_examples=150,
)


def fuzz_settings() -> settings:
    """The settings for one fuzz test (not loaded globally: other tests keep theirs)."""
    long = os.environ.get("HYPOTHESIS_PROFILE", "") in ("long", "fuzz-long")
    return settings.get_profile("fuzz-long" if long else "fuzz")
