"""Documents with active content are refused beside the field; what is stored has no metadata."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from admissions import services
from admissions.models import DocumentKind
from admissions.tests.factories import ApplicationFactory
from core.pdf import HAS_EMBEDDED_FILES, HAS_JAVASCRIPT
from core.tests.pdfs import pdf_with_embedded_file, pdf_with_metadata, pdf_with_open_action_javascript

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant_client(client):
    application = ApplicationFactory()
    client.force_login(application.applicant)
    client.application = application
    return client


def upload_url(application):
    return reverse("admissions:document-upload", args=[application.pk])


def pdf(content, name="My CV.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.mark.parametrize(("content", "message"), [
    (pdf_with_open_action_javascript(), HAS_JAVASCRIPT),
    (pdf_with_embedded_file(), HAS_EMBEDDED_FILES),
])
def test_a_pdf_with_active_content_is_refused_beside_the_field_and_nothing_is_stored(applicant_client, content,
                                                                                      message):
    application = applicant_client.application
    response = applicant_client.post(upload_url(application), {"slot": "cv", "cv-file": pdf(content)})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error:" in html
    assert f'<span class="visually-hidden">Error:</span> {message}' in html
    assert application.documents.count() == 0


def test_an_uploaded_pdf_is_stored_without_its_metadata(applicant_client):
    application = applicant_client.application
    response = applicant_client.post(upload_url(application), {"slot": "cv", "cv-file": pdf(pdf_with_metadata())})
    assert response.status_code == 302
    document = application.documents.get()
    with document.file.open("rb") as handle:
        stored = handle.read()
    assert b"Ada Secretauthor" not in stored and b"SecretXMPPacket" not in stored
    assert PdfReader(document.file.path).metadata is None
    assert (document.original_name, document.size) == ("My CV.pdf", len(stored))


def test_a_service_given_an_unchecked_file_stores_the_clean_copy_too():
    application = ApplicationFactory()
    document = services.document_add(application=application, kind=DocumentKind.CV, file=pdf(pdf_with_metadata()),
                                     by=application.applicant)
    with document.file.open("rb") as handle:
        stored = handle.read()
    assert b"SecretXMPPacket" not in stored
    assert document.sha256 == hashlib.sha256(stored).hexdigest()
