"""Refusing hostile input before any view, form or query sees it.

A NUL byte reaches PostgreSQL as an error ("text fields cannot contain NUL"),
other control characters end up in stored text, feeds and mail headers, and a
percent-encoding that is not UTF-8 (or encodes a lone surrogate) cannot be
stored at all. No person types these; they come from scanners, broken clients
or a paste from a binary file. So the request is answered 400 with a page that
says what to do, whichever page it was for, instead of each view and form
having to guard against them (and some forgetting, which was a 500).

Checked: the path, every name and value in the query string, every field of
an urlencoded form, and cookies. Upload (multipart) forms are left to their
forms, which refuse NUL in text fields (see _bad_form for why). Tab, carriage
return and line feed are allowed in query and form values (a textarea sends
them); nowhere else.
"""

import re
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponseBadRequest
from django.template import loader

# C0 controls; tab, CR and LF are separated out because form values may hold them.
_CONTROL = re.compile(r"[\x00-\x1f]")
_CONTROL_IN_VALUE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Lone surrogates can come from a decoder that was lenient (surrogateescape) upstream.
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _bad_text(text, *, in_value):
    pattern = _CONTROL_IN_VALUE if in_value else _CONTROL
    return bool(pattern.search(text) or _SURROGATE.search(text))


def _bad_raw(raw_bytes, *, in_value):
    try:
        text = raw_bytes.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return _bad_text(text, in_value=in_value)


def _wsgi_bytes(value):
    # WSGI hands the query string over as ISO-8859-1 decoded bytes.
    try:
        return value.encode("iso-8859-1")
    except UnicodeEncodeError:
        return value.encode("utf-8", "surrogatepass")


def _bad_path(request):
    # Django has already decoded the path, re-percent-encoding any bytes that
    # are not UTF-8, so only control characters are left to find.
    return _bad_text(request.path_info, in_value=False)


def _bad_query(request):
    raw = _wsgi_bytes(request.META.get("QUERY_STRING", ""))
    for pair in re.split(rb"[&;]", raw):
        for part in pair.split(b"=", 1):
            if _bad_raw(unquote_to_bytes(part.replace(b"+", b" ")), in_value=True):
                return True
    return False


def _bad_form(request):
    # Only urlencoded bodies. Parsing a multipart body here would read the
    # upload before a view can put its size-limiting handler in front
    # (admissions.views._access.with_upload_limit); upload forms check their own fields.
    if request.method in ("GET", "HEAD", "OPTIONS", "TRACE"):
        return False
    if not request.META.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded"):
        return False
    # Django decodes the body leniently (a bad byte becomes U+FFFD), so read it raw.
    for pair in re.split(rb"[&;]", request.body):
        for part in pair.split(b"=", 1):
            if _bad_raw(unquote_to_bytes(part.replace(b"+", b" ")), in_value=True):
                return True
    return False


def _bad_cookies(request):
    return any(_bad_text(name, in_value=False) or _bad_text(value, in_value=False)
               for name, value in request.COOKIES.items())


def bad_request_response():
    # Rendered without the request's context: nothing about this request is trusted.
    template = loader.get_template("errors/400.html")
    response = HttpResponseBadRequest(template.render({"site_name": settings.SITE_NAME,
                                                        "support_email": settings.SUPPORT_EMAIL}))
    # The clickjacking middleware sits after this one, so it never sees this answer.
    response["X-Frame-Options"] = settings.X_FRAME_OPTIONS
    return response


def bad_request(request, exception=None):
    """handler400: Django's own refusals (a bad Host header, too many fields) get the same page."""
    return bad_request_response()


class RejectHostileInputMiddleware:
    """Answer 400 to a request carrying control characters or text that is not UTF-8."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            hostile = _bad_path(request) or _bad_query(request) or _bad_cookies(request) or _bad_form(request)
        except RequestDataTooBig:
            # Django answers these 400 itself when the view reads the body; let it.
            hostile = False
        if hostile:
            return bad_request_response()
        return self.get_response(request)
