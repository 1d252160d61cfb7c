from django import template
from django.utils import timezone

from timetable.timezones import iso_week

register = template.Library()


@register.filter
def isoweek(moment):
    """The ISO week of a datetime (in the current zone) or date: “2027-W05”."""
    if moment is None:
        return ""
    day = timezone.localtime(moment).date() if hasattr(moment, "hour") else moment
    return iso_week(day)


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "")
