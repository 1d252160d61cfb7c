"""Access: who may open a page, and who is acting when a service runs.

Pages. `@require(predicate, deny=404)` sends an anonymous visitor to the login
page with `next` (as `login_required` does) and answers a signed-in person the
predicate refuses with 404 (the page does not exist for them) or, with
`deny=403`, with 403 (the page exists but is not theirs to use):

    @require(can_edit_timetable, deny=403)
    def staff_week(request): ...

Predicates stay in each app's `permissions.py`, shared by views and services.

Services. Every use case takes `by`, keyword-only and with no default, so a
call that forgets it raises TypeError. `by` is a user, or `SYSTEM` when the
work is done for no person (a scheduled job, demo data, a management command,
a data migration). `by=None` is refused with TypeError: there is no silent
"trusted" caller. A service authorises with `check(by, predicate, ...)`, which
lets SYSTEM through without asking the predicate; a predicate asked directly
about SYSTEM says no (it is not a signed-in user), so code that forgets
`check` fails closed. Rows and history entries that record who acted record
`acting_user(by)`: the user, or None for SYSTEM (no person acted), which is
what their nullable user columns already mean.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, Final, Literal

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

View = Callable[..., HttpResponse]
Predicate = Callable[..., bool]


class SystemActor:
    """The actor for work done for no person. Not a User: it has no pk and no roles."""

    __slots__ = ()
    _instance: "SystemActor | None" = None
    is_authenticated: Final = False
    is_active: Final = False

    def __new__(cls) -> "SystemActor":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "SYSTEM"

    __str__ = __repr__

    def __reduce__(self) -> str:
        # Pickled or copied, it stays the one SYSTEM, so `by is SYSTEM` holds everywhere.
        return "SYSTEM"


SYSTEM: Final = SystemActor()


def _refuse_none(by: Any) -> None:
    if by is None:
        raise TypeError("by=None is refused: pass the acting user, or core.access.SYSTEM for work done for no person.")


def check(by: Any, predicate: Predicate, *args: Any, message: str = "You may not do this.") -> None:
    """Raise PermissionDenied(message) unless `predicate(by, *args)` holds.

    SYSTEM passes without asking the predicate; None raises TypeError.
    """
    if by is SYSTEM:
        return
    _refuse_none(by)
    if not predicate(by, *args):
        raise PermissionDenied(message)


def acting_user(by: Any) -> Any:
    """Who to record as having acted: the user, or None for SYSTEM. None itself raises TypeError."""
    if by is SYSTEM:
        return None
    _refuse_none(by)
    return by


def require(predicate: Predicate, *, deny: Literal[403, 404] = 404) -> Callable[[View], View]:
    """A view decorator: anonymous visitors log in first; a person `predicate(user)` refuses gets `deny`."""
    if deny not in (403, 404):
        raise ValueError("deny is 403 or 404")

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not predicate(request.user):
                if deny == 404:
                    raise Http404
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
