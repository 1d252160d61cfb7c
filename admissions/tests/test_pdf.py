import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from admissions.pdf import MAX_DOCUMENT_BYTES, check_pdf
from admissions.tests.factories import pdf_bytes


def upload(content, name="file.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_a_real_pdf_is_accepted_and_hashed():
    digest = check_pdf(upload(pdf_bytes(pages=2)))
    assert len(digest) == 64


def test_an_exe_renamed_pdf_is_refused():
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 4000
    with pytest.raises(ValidationError) as error:
        check_pdf(upload(exe, "cv.pdf"))
    assert error.value.code == "not_pdf"


def test_an_html_page_saved_as_pdf_is_refused():
    with pytest.raises(ValidationError) as error:
        check_pdf(upload(b"<html><script>alert(1)</script></html>", "cv.pdf"))
    assert error.value.code == "not_pdf"


def test_a_file_with_the_signature_but_no_pdf_structure_is_refused():
    with pytest.raises(ValidationError) as error:
        check_pdf(upload(b"%PDF-1.7\n" + b"garbage " * 500))
    assert error.value.code == "broken"


def test_a_truncated_pdf_is_refused():
    whole = pdf_bytes()
    with pytest.raises(ValidationError):
        check_pdf(upload(whole[: len(whole) // 3]))


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError) as error:
        check_pdf(upload(b""))
    assert error.value.code == "empty"


def test_a_file_over_ten_megabytes_is_refused_before_it_is_parsed():
    class Big(io.BytesIO):
        size = MAX_DOCUMENT_BYTES + 1

    big = Big(b"%PDF-1.7")
    with pytest.raises(ValidationError) as error:
        check_pdf(big)
    assert error.value.code == "too_large"
