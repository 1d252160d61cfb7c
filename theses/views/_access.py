"""Who may open a page: decorators that send the anonymous to log in and refuse the rest."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from accounts.permissions import is_student

from ..permissions import can_manage_theses


def staff_required(view):
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not can_manage_theses(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def student_required(view):
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not is_student(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
