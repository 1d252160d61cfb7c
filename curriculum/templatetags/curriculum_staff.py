from django import template
from django.urls import reverse

from curriculum import permissions

register = template.Library()

# The staff area's pages, each with the predicate that decides who may use it.
STAFF_PAGES = [
    ("Modules", "curriculum:staff-module-list", None),
    ("Programmes and credits", "curriculum:staff-programme-list", permissions.can_edit_programmes),
    ("Search synonyms", "curriculum:staff-synonym-list", permissions.can_edit_search_synonyms),
]


@register.simple_tag(takes_context=True)
def curriculum_staff_links(context):
    """The links of the curriculum staff area's section navigation
    (components/section_nav.html) that the user may follow, the current page marked."""
    request = context["request"]
    here = request.resolver_match.view_name if request.resolver_match else None
    return [
        {"label": label, "url": reverse(name), "current": name == here}
        for label, name, allowed in STAFF_PAGES
        if allowed is None or allowed(request.user)
    ]
