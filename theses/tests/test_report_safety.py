"""Thesis reports: active content refused with a message that says what to do; metadata never stored."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from core.pdf import HAS_EMBEDDED_FILES, HAS_JAVASCRIPT, HAS_LAUNCH
from core.tests.pdfs import (
    METADATA_SECRETS,
    pdf_with_embedded_file,
    pdf_with_launch_action,
    pdf_with_metadata,
    pdf_with_open_action_javascript,
    plain_pdf,
)
from theses.services import check_pdf


def report(content):
    return SimpleUploadedFile("Interim report.pdf", content, content_type="application/pdf")


@pytest.mark.parametrize(("content", "message"), [
    (pdf_with_open_action_javascript(), HAS_JAVASCRIPT),
    (pdf_with_launch_action(), HAS_LAUNCH),
    (pdf_with_embedded_file(), HAS_EMBEDDED_FILES),
])
def test_a_report_with_active_content_is_refused(content, message):
    with pytest.raises(ValidationError) as error:
        check_pdf(report(content))
    assert error.value.messages == [message]


def test_the_stored_report_is_the_document_without_its_metadata():
    stored = check_pdf(report(pdf_with_metadata()))
    content = stored.read()
    assert stored.name == "Interim report.pdf"
    for secret in METADATA_SECRETS:
        assert secret not in content
    assert len(PdfReader(io.BytesIO(content)).pages) == 1


def test_a_file_with_the_signature_but_no_pages_is_refused():
    with pytest.raises(ValidationError) as error:
        check_pdf(report(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"))
    assert error.value.messages == ["The report must be a PDF file. Save or export it as PDF and upload it again."]


def test_a_plain_report_is_accepted():
    assert len(PdfReader(check_pdf(report(plain_pdf(pages=3)))).pages) == 3
