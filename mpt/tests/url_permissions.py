"""The role-by-URL permission table, shared by every app.

Each app lists its URL patterns in `<app>/tests/url_cases.py` as `CASES`, a list
of `UrlCase`. `test_url_permissions.py` fails when a named URL pattern has no
case, and requests each case as every role, asserting the exact status.

    UrlCase("accounts:profile", SIGNED_IN)
    UrlCase("curriculum:module-detail", PUBLIC, kwargs=lambda users: {"slug": ModuleFactory().slug})

`expect` maps a role name (see conftest.ROLE_NAMES) to a status; "*" is the
default for roles not named. `kwargs` is a dict, or a function that receives
the users by role (to create objects owned by one of them) and returns one.
"""

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any

PUBLIC = {"*": 200}
SIGNED_IN = {"anonymous": 302, "*": 200}
ANONYMOUS_ONLY = {"anonymous": 200, "*": 302}  # pages that send signed-in users on


def only(*roles, status=200, denied=403, anonymous=302):
    """Open to the named roles (and superusers); `denied` for other signed-in users."""
    expect = {"*": denied, "anonymous": anonymous, "superuser": status}
    expect.update({str(role): status for role in roles})
    return expect


@dataclass
class UrlCase:
    name: str
    expect: dict[str, int]
    kwargs: dict[str, Any] | Callable[[dict], dict] = field(default_factory=dict)
    method: str = "get"
    data: dict[str, Any] | None = None
    note: str = ""
    # Entered around the requests, for a page whose answer depends on its surroundings.
    context: Callable[[], AbstractContextManager] | None = None

    def status_for(self, role_name):
        return self.expect.get(role_name, self.expect.get("*"))

    def around_requests(self):
        return self.context() if self.context else nullcontext()

    def resolve_kwargs(self, users):
        return self.kwargs(users) if callable(self.kwargs) else dict(self.kwargs)
