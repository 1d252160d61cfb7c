"""What every admissions view shares: the upload size limit and small helpers.

Views name their role with `core.access.require(permissions.can_review)` or
`require(permissions.can_manage_reviews)`: 404 for anyone else, as for every
object they may not see."""

from django.contrib import messages
from django.http import Http404
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from ..models import (
    Intake,
)
from ..pdf import SizeLimitUploadHandler

PAGE_SIZE = 50


def intake_or_404(slug):
    intake = Intake.objects.select_related("programme", "academic_year").filter(slug=slug).first()
    if intake is None:
        raise Http404
    return intake


def show_error(request, error):
    messages.error(request, error.message)


def with_upload_limit(view):
    """Put the size-limiting upload handler in front before anything reads the body.

    CSRF is still checked: the inner view is csrf_protect'ed, the documented way
    to change upload handlers for one view.
    """
    protected = csrf_protect(view)

    @csrf_exempt
    def wrapper(request, *args, **kwargs):
        request.upload_handlers.insert(0, SizeLimitUploadHandler(request))
        return protected(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper
