"""The Wagtail admin's image and document forms, with the upload checks of uploads.py.

Named by WAGTAILIMAGES_IMAGE_FORM_BASE and WAGTAILDOCS_DOCUMENT_FORM_BASE, so
every place the admin takes an image or a document goes through them: the add
and edit pages, the multiple upload page, and the upload tab of the choosers
(product photos, cooperative logos and photos, page images, certificates).
"""

from __future__ import annotations

from django.conf import settings
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm

from . import uploads


def allowed_image_kinds() -> set[str]:
    extensions = getattr(settings, "WAGTAILIMAGES_EXTENSIONS", None) or ()
    kinds = {uploads.EXTENSION_KINDS.get(e) for e in extensions}
    return kinds & uploads.IMAGE_KINDS


class CheckedImageField(WagtailImageField):
    """Wagtail's image field, after the type, size and pixel checks of uploads.py.

    They run before Willow opens the file, and read only its head and header:
    markup is refused whatever its name, a decompression bomb before a pixel
    of it is decoded.
    """

    def to_python(self, data):
        if data is not None and hasattr(data, "read") and getattr(data, "name", None):
            extensions = [
                e for e in self.allowed_image_extensions if e in uploads.EXTENSION_KINDS
            ]
            uploads.check_file(
                data,
                kinds=allowed_image_kinds(),
                max_bytes=self.max_upload_size,
                extensions=extensions,
            )
            uploads.check_image_pixels(data, self.max_image_pixels)
        return super().to_python(data)


class CheckedImageForm(BaseImageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("file")
        if isinstance(field, WagtailImageField) and not isinstance(
            field, CheckedImageField
        ):
            checked = CheckedImageField(
                label=field.label,
                required=field.required,
                initial=field.initial,
                widget=field.widget,
            )
            self.fields["file"] = checked


# Documents: certificates and reports, as PDF or pictures (WAGTAILDOCS_EXTENSIONS).
DOCUMENT_KINDS = {uploads.PDF, uploads.JPEG, uploads.PNG, uploads.WEBP}


class CheckedDocumentForm(BaseDocumentForm):
    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and "file" in self.changed_data:
            extensions = getattr(settings, "WAGTAILDOCS_EXTENSIONS", None) or [
                e for e, k in uploads.EXTENSION_KINDS.items() if k in DOCUMENT_KINDS
            ]
            uploads.check_file(
                upload,
                kinds=DOCUMENT_KINDS,
                max_bytes=getattr(settings, "WAGTAILDOCS_MAX_UPLOAD_SIZE", None),
                extensions=extensions,
            )
        return upload
