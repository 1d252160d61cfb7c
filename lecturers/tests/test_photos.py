import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image

from lecturers.photos import MAX_SIDE, clean_photo

from .factories import jpeg_bytes


def test_a_photo_is_resized_and_stripped_of_metadata():
    raw = jpeg_bytes(size=(2400, 1800), exif=True)
    assert Image.open(io.BytesIO(raw)).getexif()  # the upload carries EXIF (GPS, camera)
    result = clean_photo(ContentFile(raw, name="me.jpg"))
    image = Image.open(io.BytesIO(result.read()))
    assert image.format == "JPEG"
    assert max(image.size) == MAX_SIDE
    assert not image.getexif()
    assert "exif" not in image.info
    assert result.name.endswith(".jpg") and result.name != "me.jpg"


def test_png_with_transparency_becomes_a_jpeg():
    result = clean_photo(ContentFile(jpeg_bytes(size=(300, 200), fmt="PNG", exif=False), name="a.png"))
    assert Image.open(io.BytesIO(result.read())).size == (300, 200)


@pytest.mark.parametrize("content", [b"%PDF-1.4 not an image", b"", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,
                                     b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"])
def test_anything_not_an_image_is_refused(content):
    with pytest.raises(ValidationError) as error:
        clean_photo(ContentFile(content, name="photo.jpg"))
    assert error.value.code == "not_image"


def test_a_photo_over_5_mb_is_refused_with_its_size():
    big = ContentFile(b"\xff\xd8" + b"\x00" * (50 * 1024 * 1024), name="huge.jpg")
    with pytest.raises(ValidationError) as error:
        clean_photo(big)
    assert error.value.code == "too_large"
    assert "50.0 MB" in error.value.messages[0]
