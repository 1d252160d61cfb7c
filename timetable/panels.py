"""The panel the timetable adds to a curriculum module page (see core/panels.py)."""

from curriculum.models import ModuleOffering

from .selectors import upcoming_for_offering
from .timezones import default_zone, zone_label


def module_sessions_context(*, request, module=None, offering=None, **objects):
    """The offering's next sessions and its calendar feed; two queries at most."""
    if offering is None and module is not None:
        offering = ModuleOffering.objects.filter(module=module).order_by("-term__starts_on").first()
    if offering is None:
        return None
    return {
        "offering": offering,
        "sessions": upcoming_for_offering(offering),
        "zone_label": zone_label(default_zone()),
    }
