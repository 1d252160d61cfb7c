"""Helpers the thesis services share."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.text import slugify

from core.links import absolute_url

from ..models import Proposal

Status = Proposal.Status


class InvalidState(ValidationError):
    """The object is not in a state that allows this (approving an open proposal, say)."""


def _link(name, *args):
    return absolute_url(name, *args)


def _unique_slug(model, text, max_length=200):
    base = slugify(text)[: max_length - 8] or "item"
    slug, n = base, 2
    while model.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


def _require(allowed):
    if not allowed:
        raise PermissionDenied
