"""What every uploaded PDF goes through before it is stored (applicants' documents, thesis reports).

Refused, with a message beside the field saying how to fix it: a PDF with
JavaScript (a /JS or /JavaScript entry anywhere, a JavaScript action such as an
/OpenAction or a field's /AA), a launch action (/Launch, which asks the reader
to run a program), or embedded files (/EmbeddedFiles, /EF, file attachment
annotations). Refused rather than rewritten without them: a reviewer must see
what the applicant sent, and a script taken out silently could change what a
form shows; printing to a new PDF, which every system can do, removes them all.

Stored: not the upload itself but a copy rewritten by pypdf without its
document information dictionary (author, software, dates) or any XMP metadata
stream, so what staff download says nothing the applicant did not write.
"""

import io

from django.core.exceptions import ValidationError
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

HAS_JAVASCRIPT = ("This PDF contains JavaScript. Save it again without scripts, for example by printing it "
                  "to a new PDF, and upload that.")
HAS_LAUNCH = ("This PDF contains an action that starts another program. Save it again without it, for example "
              "by printing it to a new PDF, and upload that.")
HAS_EMBEDDED_FILES = ("This PDF has other files attached inside it. Upload each document as its own PDF, or "
                      "print this one to a new PDF, and upload that.")

# A real document has thousands of objects at most; a crafted one may claim millions.
MAX_OBJECTS = 200_000

_ACTION_KINDS = {"/JavaScript": "javascript", "/Launch": "launch"}
_EMBEDDING_KEYS = {"/EmbeddedFiles", "/EF"}
_EMBEDDING_ENTRIES = {("/Subtype", "/FileAttachment"), ("/Type", "/EmbeddedFile")}


def active_content(reader: PdfReader) -> set[str]:
    """The kinds of active content ("javascript", "launch", "embedded") anywhere reachable in the file."""
    found = set()
    stack = [reader.trailer]
    seen = set()
    visited = 0
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            key = (obj.idnum, obj.generation)
            if key in seen:
                continue
            seen.add(key)
            obj = obj.get_object()
        visited += 1
        if visited > MAX_OBJECTS:
            raise ValueError("too many objects")
        if isinstance(obj, DictionaryObject):  # streams are dictionaries too
            for name, value in obj.items():
                if name in ("/JS", "/JavaScript"):
                    found.add("javascript")
                elif name == "/S" and value in _ACTION_KINDS:
                    found.add(_ACTION_KINDS[value])
                elif name in _EMBEDDING_KEYS or (isinstance(value, NameObject)
                                                 and (name, value) in _EMBEDDING_ENTRIES):
                    found.add("embedded")
                stack.append(value)
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
    return found


def refuse_active_content(reader: PdfReader) -> None:
    """ValidationError naming the first kind of active content found, if any."""
    found = active_content(reader)
    if "javascript" in found:
        raise ValidationError(HAS_JAVASCRIPT, code="javascript")
    if "launch" in found:
        raise ValidationError(HAS_LAUNCH, code="launch")
    if "embedded" in found:
        raise ValidationError(HAS_EMBEDDED_FILES, code="embedded_files")


def without_metadata(reader: PdfReader) -> bytes:
    """The document rewritten with no information dictionary and no XMP stream, at any level."""
    writer = PdfWriter(clone_from=reader)
    writer.metadata = None
    for obj in writer._objects:
        if isinstance(obj, DictionaryObject) and NameObject("/Metadata") in obj:
            del obj[NameObject("/Metadata")]
    # The metadata streams are now referenced by nothing: leave them out of the file.
    writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
