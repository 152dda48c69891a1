import datetime

from django.utils import formats, translation


def test_dates_are_written_day_first_in_both_languages():
    day = datetime.date(2027, 9, 19)
    with translation.override("vi"):
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "19/09/2027"
    with translation.override("en"):
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "19 Sep 2027"


def test_admin_picker_dates_are_read_back_day_first_in_both_languages():
    from django import forms

    for language in ("vi", "en"):
        with translation.override(language):
            assert forms.DateField().clean("03/04/2026") == datetime.date(2026, 4, 3)
            assert forms.DateTimeField().clean("13/04/2026 08:30").replace(
                tzinfo=None
            ) == datetime.datetime(2026, 4, 13, 8, 30)
