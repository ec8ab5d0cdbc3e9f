"""Image and document upload forms that refuse an upload the media storage cannot take.

With media on object storage (core/storage.py), an unreachable store would
otherwise surface as a 500 when the model is saved. Here the store is asked
first (one HEAD request), and if it does not answer the upload fails with a
form error: nothing is saved, the editor is told why and can try again.
(Wagtail's multiple uploader shows that error beside the file.) If the store
fails in the short moment between that check and the save, `core.errors`
still answers a 503 that says the same.
"""

from django.core.exceptions import ValidationError
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.forms import BaseImageForm

from core.storage import storage_errors

STORAGE_DOWN_MESSAGE = "The media storage cannot be reached, so this file was not saved. Try again in a minute."
# A key that never exists: asking for it costs one HEAD request and answers False.
PROBE_NAME = "newsroom-storage-probe"


def check_storage_reachable(storage):
    try:
        storage.exists(PROBE_NAME)
    except storage_errors() as error:
        raise ValidationError(STORAGE_DOWN_MESSAGE, code="storage_unreachable") from error


class StorageCheckedUploadMixin:
    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if uploaded and "file" in self.changed_data:
            check_storage_reachable(self._meta.model._meta.get_field("file").storage)
        return uploaded


class ImageForm(StorageCheckedUploadMixin, BaseImageForm):
    pass


class DocumentForm(StorageCheckedUploadMixin, BaseDocumentForm):
    pass
