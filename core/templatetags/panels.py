from django import template
from django.utils.safestring import mark_safe

from core.panels import render_slot

register = template.Library()


@register.simple_tag(takes_context=True)
def panels(context, slot, **objects):
    """Render every panel registered for `slot` (see core/panels.py)."""
    # Each panel's output comes from a Django template, escaped there.
    return mark_safe(render_slot(slot, context.get("request"), **objects))
