"""Site-wide pages that belong to no one app: the policies and the staff area's
front page (each app adds its panel to the "staff_home" slot).

The front page is the catalogue's (curriculum.views.home); health checks and
error pages are in core."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts import permissions
from core.access import require


@require_safe
def accessibility(request):
    return render(request, "pages/accessibility.html")


@require_safe
def privacy(request):
    return render(request, "pages/privacy.html")


@require(permissions.runs_the_programme, deny=403)
@require_safe
def staff_home(request):
    """What needs the signed-in member of staff now, one panel per app (slot "staff_home")."""
    return render(request, "pages/staff_home.html")
