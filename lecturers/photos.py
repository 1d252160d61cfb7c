"""Lecturers' photos: checked to be an image, resized, stripped of metadata, re-encoded.

Whatever arrives (a phone photo with GPS in its EXIF, a PNG with text chunks, a
file named .jpg that is not one) leaves as a fresh JPEG of at most MAX_SIDE
pixels a side that carries no metadata at all: Pillow writes only pixels unless
told otherwise.
"""

import io
import secrets
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 800
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
NOT_AN_IMAGE = "The selected file is not a photo we can read. Choose a JPEG, PNG or WebP image."


def _megabytes(size):
    return f"{size / (1024 * 1024):.1f} MB"


def clean_photo(uploaded) -> ContentFile:
    """The photo to store, or ValidationError saying plainly what is wrong."""
    size = getattr(uploaded, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ValidationError(
            f"The photo is {_megabytes(size)}; it must be smaller than 5 MB. Choose a smaller photo.",
            code="too_large",
        )
    try:
        with warnings.catch_warnings():
            # A decompression bomb (a tiny file claiming a huge image) is an error, not a warning.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            uploaded.seek(0)
            with Image.open(uploaded) as probe:
                probe.verify()  # structure and checksums, without decoding every pixel
            uploaded.seek(0)
            with Image.open(uploaded) as image:
                if image.format not in ACCEPTED_FORMATS:
                    raise ValidationError(NOT_AN_IMAGE, code="not_image")
                image.load()
                image = ImageOps.exif_transpose(image)  # keep phones' portraits upright, then drop EXIF
                if image.mode in ("RGBA", "LA", "P"):
                    image = image.convert("RGBA")
                    background = Image.new("RGB", image.size, (255, 255, 255))
                    background.paste(image, mask=image.getchannel("A"))
                    image = background
                else:
                    image = image.convert("RGB")
                image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
                out = io.BytesIO()
                image.save(out, format="JPEG", quality=85, optimize=True, progressive=True)
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning, OSError,
            SyntaxError, ValueError):
        raise ValidationError(NOT_AN_IMAGE, code="not_image") from None
    return ContentFile(out.getvalue(), name=f"{secrets.token_hex(10)}.jpg")
