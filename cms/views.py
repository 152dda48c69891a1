from urllib.parse import urlsplit

from django.conf import settings
from django.utils import translation
from django.views.i18n import set_language as django_set_language


def set_language(request):
    """Django's language switch, able to leave English for the unprefixed Vietnamese.

    Django resolves `next` in the language of this request, and /i18n/setlang/ has
    no prefix, so that is always Vietnamese: "/en/san-pham/" then reads as a Wagtail
    page path and the buyer stays on the English page. Resolve it in the language
    its own prefix names instead.
    """
    next_url = request.POST.get("next", request.GET.get("next")) or ""
    language = translation.get_language_from_path(urlsplit(next_url).path)
    with translation.override(language or settings.LANGUAGE_CODE):
        return django_set_language(request)
