"""Absolute addresses on this site, for mail, feeds and anything read away from a page.

`settings.SITE_URL` is the site's address with no trailing slash (the
settings strip it), so a path from `reverse` or `get_absolute_url` is appended
as it is:

    absolute(module.get_absolute_url())          # https://mpt.example.org/modules/x/
    absolute_url("timetable:week", query={"module": "x"})
"""

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse


def absolute(path: str) -> str:
    """The full address of `path` (which starts with "/")."""
    return f"{settings.SITE_URL}{path}"


def absolute_url(viewname: str, *args: Any, query: Mapping[str, Any] | None = None) -> str:
    """The full address of a named URL, with its arguments and an optional query string."""
    path = reverse(viewname, args=args or None)
    return absolute(f"{path}?{urlencode(query)}" if query else path)
