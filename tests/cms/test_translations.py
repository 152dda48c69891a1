"""The English translation: a complete, compiled catalogue and pages served in English.

Source strings are Vietnamese; English lives in locale/en/LC_MESSAGES/django.po and
its compiled django.mo, both committed so a machine without gettext still serves
English.
"""

import datetime
import gettext
import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from wagtail.models import Page, Site

from cms.models import HomePage
from market.fields import MONTH_CHOICES
from producers import places
from tests.market.factories import CategoryFactory, ProductFactory
from tests.producers.factories import (
    CertificationFactory,
    CooperativeFactory,
    GrowingAreaFactory,
    UserFactory,
)

BASE_DIR = Path(settings.BASE_DIR)
LOCALE_DIR = BASE_DIR / "locale" / "en" / "LC_MESSAGES"
PO_FILE = LOCALE_DIR / "django.po"
MO_FILE = LOCALE_DIR / "django.mo"

# The same scope the catalogue is built with (see the Makefile / README).
MAKEMESSAGES_IGNORE = [".venv", "static", "test-artifacts", "tests", "media"]

# Letters English text never has but Vietnamese nearly always does.
VIETNAMESE_LETTERS = re.compile(
    "[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]",
    re.IGNORECASE,
)
# Proper nouns an English sentence keeps in Vietnamese.
PROPER_NOUNS = ["Nghệ An"]

PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[a-zA-Z%]")


# -- a small .po reader -------------------------------------------------------------

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def _unquote(text: str) -> str:
    text = text.strip()
    assert len(text) >= 2 and text[0] == text[-1] == '"', f"not a PO string: {text}"
    return re.sub(r"\\(.)", lambda m: _ESCAPES[m.group(1)], text[1:-1])


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: str = ""
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)

    @property
    def where(self) -> str:
        return f"{self.msgid!r} ({', '.join(self.references) or 'no reference'})"


def read_po(path: Path) -> list[Entry]:
    """Every active entry of a .po file, the header (msgid "") first."""
    entries: list[Entry] = []
    entry = Entry()
    current: str | None = None  # which field continuation lines extend
    started = False

    def finish():
        nonlocal entry, current, started
        if started:
            entries.append(entry)
        entry, current, started = Entry(), None, False

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
        elif line.startswith("#~"):
            continue  # obsolete: gettext ignores it too
        elif line.startswith("#,"):
            entry.flags.update(f.strip() for f in line[2:].split(",") if f.strip())
        elif line.startswith("#:"):
            entry.references.extend(line[2:].split())
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            assert current is not None, f"continuation without a keyword: {raw}"
            value = _unquote(line)
            if current.startswith("msgstr["):
                index = int(current[7:-1])
                entry.msgstr_plural[index] += value
            else:
                setattr(entry, current, getattr(entry, current) + value)
        else:
            keyword, _, rest = line.partition(" ")
            started = True
            value = _unquote(rest)
            if keyword.startswith("msgstr["):
                entry.msgstr_plural[int(keyword[7:-1])] = value
            elif keyword in ("msgid", "msgid_plural", "msgctxt", "msgstr"):
                setattr(entry, keyword, value)
            else:
                raise AssertionError(f"unknown PO keyword: {raw}")
            current = keyword
    finish()
    return entries


def header(entries: list[Entry]) -> dict[str, str]:
    first = entries[0]
    assert first.msgid == "" and first.msgctxt is None, "the header comes first"
    return dict(
        line.split(": ", 1) for line in first.msgstr.splitlines() if ": " in line
    )


@pytest.fixture(scope="module")
def po_entries() -> list[Entry]:
    return read_po(PO_FILE)


@pytest.fixture(scope="module")
def messages(po_entries) -> list[Entry]:
    return po_entries[1:]


def translations(entry: Entry) -> list[str]:
    if entry.msgid_plural is not None:
        return [entry.msgstr_plural.get(i, "") for i in range(2)]
    return [entry.msgstr]


def placeholders(text: str) -> Counter:
    return Counter(p for p in PLACEHOLDER.findall(text) if p != "%%")


# -- the catalogue file -------------------------------------------------------------


def test_po_header_declares_english_utf8_and_two_plural_forms(po_entries):
    meta = header(po_entries)

    assert meta["Language"] == "en"
    assert meta["Content-Type"] == "text/plain; charset=UTF-8"
    assert meta["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert "fuzzy" not in po_entries[0].flags, "a fuzzy header is dropped by msgfmt"


def test_po_has_messages_and_every_one_is_translated(messages):
    assert len(messages) > 100
    empty = [e.where for e in messages if not all(translations(e))]
    assert not empty, "untranslated entries:\n" + "\n".join(empty)


def test_po_has_no_fuzzy_entries(messages):
    fuzzy = [e.where for e in messages if "fuzzy" in e.flags]
    assert not fuzzy, "fuzzy entries (check, then drop the flag):\n" + "\n".join(fuzzy)


def test_plural_entries_fill_both_english_forms(messages):
    plural = [e for e in messages if e.msgid_plural is not None]

    assert plural, "the catalogue has counted strings (products, cooperatives)"
    for entry in plural:
        assert sorted(entry.msgstr_plural) == [0, 1], entry.where
        assert entry.msgstr_plural[0] != entry.msgstr_plural[1], entry.where


def test_translations_keep_the_placeholders_of_the_vietnamese_source(messages):
    wrong = []
    for entry in messages:
        if entry.msgid_plural is None:
            if placeholders(entry.msgstr) != placeholders(entry.msgid):
                wrong.append(entry.where)
            continue
        # English "one" may drop the number ("One product"), but may not invent one.
        source = placeholders(entry.msgid_plural)
        if placeholders(entry.msgstr_plural.get(1, "")) != source:
            wrong.append(entry.where)
        if not set(placeholders(entry.msgstr_plural.get(0, ""))) <= set(source):
            wrong.append(entry.where)
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_translations_are_english_not_copied_vietnamese(messages):
    copied = []
    for entry in messages:
        for text in translations(entry):
            for noun in PROPER_NOUNS:
                text = text.replace(noun, "")
            if VIETNAMESE_LETTERS.search(text):
                copied.append(entry.where)
    assert not copied, "translations still in Vietnamese:\n" + "\n".join(copied)


def test_compiled_mo_matches_every_po_translation(messages):
    """A .po edited without compilemessages would leave English pages stale."""
    with MO_FILE.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)

    assert compiled.info()["language"] == "en"
    stale = []
    for entry in messages:
        if entry.msgid_plural is None:
            if entry.msgctxt is not None:
                got = compiled.pgettext(entry.msgctxt, entry.msgid)
            else:
                got = compiled.gettext(entry.msgid)
            if got != entry.msgstr:
                stale.append(entry.where)
        else:
            for n, index in ((1, 0), (2, 1)):
                if entry.msgctxt is not None:
                    got = compiled.npgettext(
                        entry.msgctxt, entry.msgid, entry.msgid_plural, n
                    )
                else:
                    got = compiled.ngettext(entry.msgid, entry.msgid_plural, n)
                if got != entry.msgstr_plural[index]:
                    stale.append(entry.where)
    assert not stale, (
        "django.mo is older than django.po; run "
        "`.venv/bin/python manage.py compilemessages --ignore=.venv`:\n"
        + "\n".join(stale)
    )


@pytest.mark.skipif(
    shutil.which("xgettext") is None or shutil.which("msgmerge") is None,
    reason="makemessages needs GNU gettext",
)
def test_catalogue_covers_every_translatable_string_in_the_source(tmp_path, messages):
    """Extract the strings afresh (in a copy of the code) and look each one up."""
    for name in ("cms", "market", "producers"):
        shutil.copytree(
            BASE_DIR / name,
            tmp_path / name,
            ignore=shutil.ignore_patterns("__pycache__", "static", "media"),
        )
    shutil.copy(BASE_DIR / "manage.py", tmp_path / "manage.py")
    command = [sys.executable, "manage.py", "makemessages", "-l", "en"]
    command += [f"--ignore={pattern}" for pattern in MAKEMESSAGES_IGNORE]
    subprocess.run(
        command,
        cwd=tmp_path,
        check=True,
        capture_output=True,
        env={"DJANGO_SETTINGS_MODULE": "cms.settings.test", "PATH": "/usr/bin:/bin"},
    )
    fresh = read_po(tmp_path / "locale" / "en" / "LC_MESSAGES" / "django.po")[1:]

    known = {
        (e.msgctxt, e.msgid, e.msgid_plural) for e in messages if all(translations(e))
    }
    missing = [
        e.where for e in fresh if (e.msgctxt, e.msgid, e.msgid_plural) not in known
    ]
    assert len(fresh) > 100
    assert not missing, (
        "strings without English; run makemessages -l en, translate them in "
        "locale/en/LC_MESSAGES/django.po and compilemessages:\n" + "\n".join(missing)
    )


# -- pages served in English --------------------------------------------------------


@pytest.fixture
def home(db):
    root = Page.get_first_root_node()
    page = HomePage(
        title="Farm market", slug="farm-market", heading="Fresh from the farm"
    )
    root.add_child(instance=page)
    Site.objects.update(root_page=page)
    return page


@pytest.fixture
def shop(db):
    """A cooperative with everything its pages can show, its data free of Vietnamese.

    Place names come from the official list and stay Vietnamese; the page checks
    below remove them before looking for Vietnamese left in the page.
    """
    cooperative = CooperativeFactory(
        name="Hanh Lam Tea Cooperative",
        slug="hanh-lam-tea",
        street="Hamlet 4",
        commune_code=17722,
        email="tea@example.vn",
        website="https://tea.example.vn",
        founded_year=2009,
        member_count=86,
        latitude="18.789",
        longitude="105.297",
        story="<p>Tea grown on red basalt hills.</p>",
        is_verified=True,
    )
    GrowingAreaFactory(
        cooperative=cooperative, name="Hill 1", area_code="VT-1", crops="green tea"
    )
    today = datetime.date.today()
    vietgap = CertificationFactory(
        cooperative=cooperative,
        number="VG-1",
        issuer="Plant Protection Office",
        scope="Green tea",
        expires_on=today + datetime.timedelta(days=400),
    )
    CertificationFactory(
        cooperative=cooperative,
        number="VG-OLD",
        issuer="Plant Protection Office",
        issued_on=datetime.date(2020, 1, 1),
        expires_on=datetime.date(2022, 1, 1),
    )
    CertificationFactory(
        cooperative=cooperative,
        number="VG-NEXT",
        issuer="Plant Protection Office",
        issued_on=today + datetime.timedelta(days=30),
        expires_on=today + datetime.timedelta(days=800),
    )
    category = CategoryFactory(name="Tea", slug="tea")
    product = ProductFactory(
        cooperative=cooperative,
        category=category,
        name="Dried tea buds",
        slug="dried-tea-buds",
        price=150000,
        stock=3,
        ocop_stars=4,
        gtin="8930000000019",
        season_months=0b1000_0000_0110,
    )
    product.certifications.add(vietgap)
    ProductFactory(
        cooperative=cooperative,
        category=category,
        name="Green tea leaves",
        slug="green-tea-leaves",
        stock=0,
    )
    return product


class _VisibleText(HTMLParser):
    """Text a reader sees or hears: text nodes and the labelling attributes."""

    ATTRIBUTES = {"alt", "title", "aria-label", "placeholder", "content", "value"}

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0
        self._vietnamese = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("style", "script"):
            self._skip += 1
        if attrs.get("lang") == "vi":
            self._vietnamese += 1  # the language switcher names Vietnamese in it
            return
        self.parts += [v for k, v in attrs.items() if k in self.ATTRIBUTES and v]

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self._skip -= 1
        elif tag == "button" and self._vietnamese:
            self._vietnamese -= 1

    def handle_data(self, data):
        if not self._skip and not self._vietnamese and data.strip():
            self.parts.append(data.strip())


def vietnamese_left(html: str) -> list[str]:
    parser = _VisibleText()
    parser.feed(html)
    names = [name for _, name in places.province_choices()]
    names += [name for _, name in places.commune_choices()]
    names += PROPER_NOUNS
    names.sort(key=len, reverse=True)
    left = []
    for part in parser.parts:
        for name in names:
            if name in part:
                part = part.replace(name, "")
        if VIETNAMESE_LETTERS.search(part):
            left.append(part)
    return left


def test_english_pages_show_no_vietnamese_interface_text(client, home, shop):
    urls = [
        "/en/",
        "/en/san-pham/",
        "/en/san-pham/?q=tea&ocop=4&in_stock=on",
        "/en/san-pham/dried-tea-buds/",
        "/en/tim-kiem/",
        "/en/tim-kiem/?q=tea",
        "/en/tim-kiem/?q=zzzz",
        "/en/hop-tac-xa/",
        "/en/hop-tac-xa/hanh-lam-tea/",
        # Messages for bad input are translated too.
        "/en/san-pham/?price_min=abc&price_max=-1&sort=nope&page=99",
        "/en/san-pham/?page=abc&category=nope&ocop=9",
        "/en/hop-tac-xa/?commune=1",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert '<html lang="en">' in html, url
        assert vietnamese_left(html) == [], url


def test_catalogue_in_english_has_english_heading_labels_and_counts(client, shop):
    html = client.get("/en/san-pham/").content.decode()

    assert "<h1>Products</h1>" in html
    assert "Sản phẩm" not in html
    assert "Filter and sort" in html
    assert "Price: low to high" in html
    assert "2 products" in html
    assert "Out of stock" in html
    assert "OCOP 4 ★" in html


def test_catalogue_in_english_says_one_product_in_the_singular(client, shop):
    html = client.get("/en/san-pham/?q=dried").content.decode()

    assert "1 product<" in html


def test_cooperative_directory_in_english(client, shop):
    html = client.get("/en/hop-tac-xa/").content.decode()

    assert "<h1>Cooperatives</h1>" in html
    assert "<h1>Hợp tác xã</h1>" not in html
    assert "1 cooperative<" in html
    assert "Verified" in html


def test_cooperative_profile_in_english(client, shop):
    html = client.get("/en/hop-tac-xa/hanh-lam-tea/").content.decode()

    for text in (
        "Contact details",
        "Certifications",
        "Growing areas",
        "Growing area code",
        "Expired",
        "Not yet valid",
        "View on map",
    ):
        assert text in html, text


def test_product_page_in_english_with_english_months_and_stock(client, shop):
    html = client.get("/en/san-pham/dried-tea-buds/").content.decode()

    assert "Low stock: only 3 kg left" in html
    assert "February, March, December" in html
    assert "Produced by" in html
    assert "Barcode (GTIN)" in html
    assert "₫150,000 / kg" in html


def test_vietnamese_pages_stay_vietnamese(client, shop):
    html = client.get("/san-pham/").content.decode()

    assert '<html lang="vi">' in html
    assert "<h1>Sản phẩm</h1>" in html
    assert "Products" not in html


def test_month_choices_follow_the_language_of_the_request():
    """The admin season picker used to stay in Vietnamese for English editors."""
    labels = dict(MONTH_CHOICES)

    with translation.override("en"):
        assert str(labels[1]) == "January"
    with translation.override("vi"):
        assert str(labels[1]) == "Tháng 1"


def test_label_sheet_help_follows_the_language_of_the_request(db):
    """The labels-per-sheet help used to be formatted at import, so in Vietnamese."""
    from producers.trace_admin import LabelSheetForm

    user = UserFactory(is_superuser=True)
    with translation.override("en"):
        english = str(LabelSheetForm(user=user).fields["count"].help_text)
    with translation.override("vi"):
        vietnamese = str(LabelSheetForm(user=user).fields["count"].help_text)

    assert english == "Each A4 sheet holds 24 labels of 70 × 37 mm."
    assert vietnamese == "Mỗi tờ A4 có 24 nhãn 70 × 37 mm."


# -- switching language -------------------------------------------------------------


def test_language_switcher_moves_between_vietnamese_and_english_urls(client, db):
    to_english = client.post("/i18n/setlang/", {"language": "en", "next": "/san-pham/"})
    assert to_english.status_code == 302
    assert to_english["Location"] == "/en/san-pham/"
    assert to_english.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    to_vietnamese = client.post(
        "/i18n/setlang/", {"language": "vi", "next": "/en/san-pham/"}
    )
    assert to_vietnamese.status_code == 302
    assert to_vietnamese["Location"] == "/san-pham/"
    assert to_vietnamese.cookies[settings.LANGUAGE_COOKIE_NAME].value == "vi"


def test_language_switcher_keeps_the_query_string(client, db):
    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": "/san-pham/?q=cam&ocop=4"}
    )

    assert response["Location"] == "/en/san-pham/?q=cam&ocop=4"


def test_switcher_links_to_the_current_page_in_the_other_language(client, db):
    vietnamese = client.get("/san-pham/?q=cam").content.decode()
    english = client.get("/en/san-pham/?q=cam").content.decode()

    # A link, not a form: no CSRF token, so the page can be cached for everyone.
    assert '<a href="/en/san-pham/?q=cam" hreflang="en" lang="en">English</a>' in (
        vietnamese
    )
    assert '<a href="/san-pham/?q=cam" hreflang="vi" lang="vi">Tiếng Việt</a>' in (
        english
    )


# -- money ---------------------------------------------------------------------------


def test_prices_use_vietnamese_and_english_number_formats(client, shop):
    vietnamese = client.get("/san-pham/").content.decode()
    english = client.get("/en/san-pham/").content.decode()

    assert "150.000 ₫" in vietnamese
    assert "₫150,000" not in vietnamese
    assert "₫150,000" in english
    assert "150.000 ₫" not in english
