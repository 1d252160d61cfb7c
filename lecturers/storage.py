"""Where lecturers' photos live: the private store, read only through views.

A photo of someone who has not agreed to a public profile must not be reachable
by URL, so no MEDIA_URL serves this directory; `lecturers.views` serve a photo
after checking consent (public), the staff role, or the invitation link.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible
class PhotoStorage(FileSystemStorage):
    # Read the setting on each use (not once at import), so tests and deployments can move it.
    @property
    def base_location(self):
        return os.path.join(str(settings.PRIVATE_STORAGE_ROOT), "lecturers")

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None


def photo_storage():
    return PhotoStorage()
