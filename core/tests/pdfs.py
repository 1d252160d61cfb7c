"""Real PDFs carrying each kind of active content and metadata, built with pypdf, for upload tests."""

import io

from pypdf import PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    TextStringObject,
)

# What pdf_with_metadata() hides in its information dictionary and XMP streams.
METADATA_SECRETS = (b"Ada Secretauthor", b"SpyWriter", b"My CV", b"SecretXMPPacket", b"SecretPageXMP", b"xmpmeta")


def plain_pdf(pages=1):
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    return written(writer)


def written(writer):
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def blank_writer():
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    return writer


def pdf_with_open_action_javascript():
    writer = blank_writer()
    writer.add_open_action(JavaScript("app.alert('hello');"))
    return written(writer)


def pdf_with_javascript_name_tree():
    writer = blank_writer()
    action = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                               NameObject("/JS"): TextStringObject("app.alert(1);")})
    names = DictionaryObject({NameObject("/JavaScript"): DictionaryObject({
        NameObject("/Names"): ArrayObject([TextStringObject("hello"), writer._add_object(action)])})})
    writer.root_object[NameObject("/Names")] = writer._add_object(names)
    return written(writer)


def pdf_with_launch_action():
    writer = blank_writer()
    launch = DictionaryObject({NameObject("/S"): NameObject("/Launch"),
                               NameObject("/F"): TextStringObject("calc.exe")})
    writer.root_object[NameObject("/OpenAction")] = writer._add_object(launch)
    return written(writer)


def pdf_with_embedded_file():
    writer = blank_writer()
    writer.add_attachment("payload.exe", b"MZ not really a program")
    return written(writer)


def pdf_with_file_attachment_annotation():
    writer = blank_writer()
    annotation = DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/FileAttachment"),
        NameObject("/Rect"): ArrayObject([FloatObject(0), FloatObject(0), FloatObject(20), FloatObject(20)]),
        NameObject("/Contents"): TextStringObject("see attached"),
    })
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])
    return written(writer)


def pdf_with_metadata():
    writer = blank_writer()
    writer.add_metadata({"/Author": "Ada Secretauthor", "/Creator": "SpyWriter 9", "/Title": "My CV"})
    xmp = DecodedStreamObject()
    xmp.set_data(b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF>SecretXMPPacket</rdf:RDF></x:xmpmeta>')
    xmp[NameObject("/Type")] = NameObject("/Metadata")
    xmp[NameObject("/Subtype")] = NameObject("/XML")
    writer.root_object[NameObject("/Metadata")] = writer._add_object(xmp)
    page_xmp = DecodedStreamObject()
    page_xmp.set_data(b'<x:xmpmeta xmlns:x="adobe:ns:meta/">SecretPageXMP</x:xmpmeta>')
    writer.pages[0][NameObject("/Metadata")] = writer._add_object(page_xmp)
    return written(writer)
