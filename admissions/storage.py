"""Private storage for applicants' documents.

Files live under settings.PRIVATE_STORAGE_ROOT, which no URL serves; they have
no public URL at all (`url()` refuses). Only permission-checked views read them.
The root is read from settings on each use, so tests can point it elsewhere.
"""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.functional import cached_property


class PrivateStorage(FileSystemStorage):
    def __init__(self):
        super().__init__(base_url=None, file_permissions_mode=0o600, directory_permissions_mode=0o700)

    @property
    def base_location(self):
        return str(settings.PRIVATE_STORAGE_ROOT)

    @property
    def location(self):
        from pathlib import Path

        return str(Path(self.base_location).resolve())

    @cached_property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError("Private files have no URL; serve them through a permission-checked view.")



private_storage = PrivateStorage()


def get_private_storage():
    """For FileField(storage=...): a callable, so migrations name it, not a path."""
    return private_storage
