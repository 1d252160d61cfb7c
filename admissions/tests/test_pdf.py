import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from admissions.pdf import MAX_DOCUMENT_BYTES, clean_pdf
from admissions.tests.factories import pdf_bytes
from core.pdf import HAS_EMBEDDED_FILES, HAS_JAVASCRIPT, HAS_LAUNCH
from core.tests.pdfs import (
    METADATA_SECRETS,
    pdf_with_embedded_file,
    pdf_with_file_attachment_annotation,
    pdf_with_javascript_name_tree,
    pdf_with_launch_action,
    pdf_with_metadata,
    pdf_with_open_action_javascript,
)


def upload(content, name="file.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_a_real_pdf_is_accepted_and_the_stored_copy_is_hashed():
    cleaned = clean_pdf(upload(pdf_bytes(pages=2), name="My CV.pdf"))
    stored = cleaned.read()
    assert cleaned.name == "My CV.pdf"
    assert len(PdfReader(io.BytesIO(stored)).pages) == 2
    assert cleaned.sha256 == hashlib.sha256(stored).hexdigest()


@pytest.mark.parametrize(("make", "code", "message"), [
    (pdf_with_open_action_javascript, "javascript", HAS_JAVASCRIPT),
    (pdf_with_javascript_name_tree, "javascript", HAS_JAVASCRIPT),
    (pdf_with_launch_action, "launch", HAS_LAUNCH),
    (pdf_with_embedded_file, "embedded_files", HAS_EMBEDDED_FILES),
    (pdf_with_file_attachment_annotation, "embedded_files", HAS_EMBEDDED_FILES),
])
def test_a_pdf_with_active_content_is_refused_saying_how_to_fix_it(make, code, message):
    content = make()
    assert len(PdfReader(io.BytesIO(content)).pages) == 1  # a readable PDF, refused only for what it carries
    with pytest.raises(ValidationError) as error:
        clean_pdf(upload(content))
    assert error.value.code == code
    assert error.value.messages == [message]


def test_the_stored_copy_has_no_information_dictionary_and_no_xmp():
    original = pdf_with_metadata()
    assert b"Ada Secretauthor" in original and b"SecretXMPPacket" in original and b"SecretPageXMP" in original
    stored = clean_pdf(upload(original)).read()
    for secret in (*METADATA_SECRETS, b"pypdf"):
        assert secret not in stored
    reader = PdfReader(io.BytesIO(stored))
    assert reader.metadata is None
    assert "/Metadata" not in reader.trailer["/Root"]
    assert "/Metadata" not in reader.pages[0]
    assert len(reader.pages) == 1


def test_an_exe_renamed_pdf_is_refused():
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 4000
    with pytest.raises(ValidationError) as error:
        clean_pdf(upload(exe, "cv.pdf"))
    assert error.value.code == "not_pdf"


def test_an_html_page_saved_as_pdf_is_refused():
    with pytest.raises(ValidationError) as error:
        clean_pdf(upload(b"<html><script>alert(1)</script></html>", "cv.pdf"))
    assert error.value.code == "not_pdf"


def test_a_file_with_the_signature_but_no_pdf_structure_is_refused():
    with pytest.raises(ValidationError) as error:
        clean_pdf(upload(b"%PDF-1.7\n" + b"garbage " * 500))
    assert error.value.code == "broken"


def test_a_truncated_pdf_is_refused():
    whole = pdf_bytes()
    with pytest.raises(ValidationError):
        clean_pdf(upload(whole[: len(whole) // 3]))


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError) as error:
        clean_pdf(upload(b""))
    assert error.value.code == "empty"


def test_a_file_over_ten_megabytes_is_refused_before_it_is_parsed():
    class Big(io.BytesIO):
        size = MAX_DOCUMENT_BYTES + 1

    big = Big(b"%PDF-1.7")
    with pytest.raises(ValidationError) as error:
        clean_pdf(big)
    assert error.value.code == "too_large"
