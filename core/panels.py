"""Panels: how a later app shows its data on an earlier app's page.

Dependencies between apps point one way (timetable knows curriculum, not the
reverse; docs/architecture.md), yet the module page must list its sessions and the home page the next
intake. So the page names a slot, and later apps register panels for it:

    # timetable/apps.py, in ready()
    from core import panels
    panels.register("module_detail", template="timetable/panels/module_sessions.html",
                    context=module_sessions_context, order=20)

    # curriculum/templates/curriculum/module_detail.html
    {% panels "module_detail" module=module %}

`context(request=..., **objects)` returns the panel's template context, or None
to show nothing. Each panel does a fixed number of queries, so the page's query
count still does not grow with the data.

Slots in use: "home" (objects: none), "module_detail" (module, offering),
"programme_detail" (programme), "staff_home" (none; see core/staff_cards.py).
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string


@dataclass(frozen=True)
class Panel:
    template: str
    context: Callable[..., dict | None]
    order: int = 100


_registry: dict[str, list[Panel]] = defaultdict(list)


def register(slot, *, template, context, order=100):
    panel = Panel(template=template, context=context, order=order)
    if panel not in _registry[slot]:
        _registry[slot].append(panel)
        _registry[slot].sort(key=lambda p: p.order)
    return panel


def panels_for(slot):
    return list(_registry.get(slot, ()))


def render_slot(slot, request, **objects):
    parts = []
    for panel in panels_for(slot):
        context = panel.context(request=request, **objects)
        if context is not None:
            html = render_to_string(panel.template, context, request=request)
            parts.append(f'<div class="mpt-panel">{html}</div>')
    return "".join(parts)
