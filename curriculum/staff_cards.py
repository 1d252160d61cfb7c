"""The curriculum's card on the staff area's front page (see core/staff_cards.py)."""

from django.db.models import Count, Q
from django.urls import reverse

from core.staff_cards import Card, Line

from . import permissions
from .models import Module, PublicationStatus


def modules_card(user):
    """Modules waiting to be published, for whoever may edit them. One query (two for a leader)."""
    if not permissions.can_use_module_staff_area(user):
        return None
    modules = Module.objects.all() if permissions.can_edit_all_modules(user) else Module.objects.filter(leader=user)
    counts = modules.aggregate(
        drafts=Count("pk", filter=Q(status=PublicationStatus.DRAFT)),
        changes=Count("pk", filter=Q(status=PublicationStatus.PUBLISHED, pending__isnull=False)),
        mine=Count("pk", filter=Q(leader=user)),
    )
    url = reverse("curriculum:staff-module-list")
    return Card(
        key="modules",
        title="Modules",
        more_url=url,
        more_label="All modules",
        lines=[
            Line(counts["drafts"], "draft module, never published", "draft modules, never published",
                 f"{url}?status=draft"),
            Line(counts["changes"], "published module with changes not yet published",
                 "published modules with changes not yet published", f"{url}?status=changes"),
            Line(counts["mine"], "module you lead", "modules you lead", f"{url}?mine=on"),
        ],
    )
