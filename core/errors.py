"""The site's error pages: 403, 404, 500 and a form sent with a stale CSRF token.

The 400 for hostile input is core.middleware.bad_request."""

from django.conf import settings
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form that was open too long, or sent after logging in or out elsewhere.

    The page says what to do in plain words; Django's reason stays in the log, not on the page.
    """
    back = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        back = ""
    return render(request, "errors/csrf.html", {"back_url": back}, status=403)


def server_error(request):
    # No request context: a context processor could itself be what failed.
    template = loader.get_template("errors/500.html")
    return HttpResponseServerError(template.render({"site_name": settings.SITE_NAME}))
