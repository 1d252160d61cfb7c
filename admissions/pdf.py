"""Checking uploaded documents by their content, not their name.

A file is accepted only if it is at most MAX_DOCUMENT_BYTES, starts with the PDF
signature, and pypdf can read its structure (a cross-reference table and at
least one page). An .exe renamed .pdf, a truncated download or an HTML page
saved as .pdf all fail, whatever the extension or the browser's content type.
A PDF with JavaScript, a launch action or embedded files is refused too, and
what is stored is a copy without its metadata (mpt/pdf.py says why).
"""

import hashlib
import logging

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from core.pdf import refuse_active_content, without_metadata

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MAX_DOCUMENT_LABEL = "10 MB"
PDF_SIGNATURE = b"%PDF-"

logger = logging.getLogger(__name__)

TOO_LARGE = f"The file must be {MAX_DOCUMENT_LABEL} or smaller"
NOT_PDF = "The selected file must be a PDF"
BROKEN_PDF = "The selected file could not be read as a PDF: save it again as a PDF and upload that"
ENCRYPTED_PDF = "The selected PDF is protected by a password: upload a copy without one"
EMPTY_FILE = "The selected file is empty"


def clean_pdf(uploaded):
    """The PDF to store, or ValidationError saying plainly what is wrong.

    Checks size, signature and structure (see above) and refuses active
    content (core.pdf); what comes back is a copy without metadata, named as
    the upload was, with `.sha256` the digest of the bytes that will be stored.
    """
    size = uploaded.size
    if size == 0:
        raise ValidationError(EMPTY_FILE, code="empty")
    if size > MAX_DOCUMENT_BYTES:
        raise ValidationError(TOO_LARGE, code="too_large")
    uploaded.seek(0)
    head = uploaded.read(1024)
    # The signature may follow a little junk (the spec allows 1 KB), never more.
    if PDF_SIGNATURE not in head:
        raise ValidationError(NOT_PDF, code="not_pdf")
    uploaded.seek(0)
    try:
        reader = PdfReader(uploaded, strict=False)
        if reader.is_encrypted:
            raise ValidationError(ENCRYPTED_PDF, code="encrypted")
        if len(reader.pages) < 1:
            raise ValidationError(BROKEN_PDF, code="broken")
        refuse_active_content(reader)
        stored = without_metadata(reader)
    except ValidationError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError, RecursionError) as exc:
        logger.info("rejected an upload that is not a readable PDF: %s", exc.__class__.__name__)
        raise ValidationError(BROKEN_PDF, code="broken") from exc
    cleaned = ContentFile(stored, name=uploaded.name or "document.pdf")
    cleaned.sha256 = hashlib.sha256(stored).hexdigest()
    return cleaned


def is_clean(file):
    """Whether `file` came from clean_pdf (a form cleans it; a service must not store anything else)."""
    return isinstance(file, ContentFile) and hasattr(file, "sha256")


class SizeLimitUploadHandler(FileUploadHandler):
    """Stops storing an uploaded file once it passes the limit.

    Without it, Django would write a 50 MB upload to a temporary file before any
    form could refuse it. The rest of the file is read and thrown away, other
    fields still arrive, and the request is marked so the form can say why the
    file is missing.
    """

    def __init__(self, request=None, limit=MAX_DOCUMENT_BYTES):
        super().__init__(request)
        self.limit = limit
        self.received = 0

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.content_length = content_length
        return None

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            too_large = getattr(self.request, "upload_too_large", set())
            too_large.add(self.field_name)
            self.request.upload_too_large = too_large
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size):
        return None
