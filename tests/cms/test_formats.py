import datetime

from django.utils import formats, translation


def test_dates_are_written_day_first_in_both_languages():
    day = datetime.date(2027, 9, 19)
    with translation.override("vi"):
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "19/09/2027"
    with translation.override("en"):
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "19 Sep 2027"
