"""E-mails in the site's language, rendered from templates as text and HTML.

Messages go out from background tasks, outside any request, so the links in
them are made absolute from the site's base URL (settings.WAGTAILADMIN_BASE_URL).
"""

from email.mime.image import MIMEImage

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def site_url(path: str = "/") -> str:
    """`path` on the site, as an absolute URL for e-mails."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def send_templated(template: str, context: dict, to, *, images=()) -> int:
    """Render `<template>_subject.txt`, `<template>.txt` and `<template>.html`
    and send one message to the non-empty addresses in `to`.

    `images` are (content id, PNG bytes) pairs the HTML shows inline with
    `cid:<content id>`. Returns how many messages were sent (0 with nobody to
    send to).
    """
    to = [address for address in to if address]
    if not to:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "site_name": settings.WAGTAIL_SITE_NAME,
            "site_url": site_url("/"),
            **context,
        }
        subject = render_to_string(f"{template}_subject.txt", context)
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
    )
    message.attach_alternative(html, "text/html")
    for content_id, data in images:
        image = MIMEImage(data, "png")
        image.add_header("Content-ID", f"<{content_id}>")
        image.add_header("Content-Disposition", "inline", filename=f"{content_id}.png")
        message.attach(image)
    return message.send()
