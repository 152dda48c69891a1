"""The admin's rich text editor (Draftail), tolerant of posts it did not write.

Draftail posts its content as JSON, which Wagtail turns into stored HTML; a post
that holds something else (HTML typed by a script, broken JSON) made Wagtail
fail with a server error. Here such a value is read as HTML and reduced to the
stored format by producers.richtext instead. Named by
WAGTAILADMIN_RICH_TEXT_EDITORS, so every rich text field and block uses it.
"""

from __future__ import annotations

from wagtail.admin.rich_text import DraftailRichTextArea

from .richtext import sanitise_rich_text


class CheckedDraftailRichTextArea(DraftailRichTextArea):
    def value_from_datadict(self, data, files, name):
        try:
            return super().value_from_datadict(data, files, name)
        except (ValueError, KeyError, TypeError, AttributeError, IndexError):
            raw = data.get(name)
            return sanitise_rich_text(str(raw), self.features)
