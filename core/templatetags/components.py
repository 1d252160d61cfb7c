"""Tags that build the arguments of the shared components (templates/components/).

A component is included `with … only`, so it sees nothing but what it is given;
these tags give it lists a template cannot write literally.
"""

from django import template
from django.urls import reverse
from django.utils.http import urlencode

register = template.Library()


@register.simple_tag
def nav_link(label, url_name, *args, query="", key=None, current=None, count=None):
    """One link of a section navigation (components/section_nav.html).

    `{% nav_link "Term overview" "timetable:staff-term" current=request.resolver_match.view_name as term %}`:
    the link is the current page's when `current` equals `key`, which is the URL
    name unless given. `query` is added to the URL as it is (already encoded);
    `count`, if given, follows the label in brackets ("To review (3)").
    """
    url = reverse(url_name, args=args)
    if query:
        url = f"{url}?{query}"
    if count is not None:
        label = f"{label} ({count})"
    key = url_name if key is None else key
    return {"label": label, "url": url, "current": current is not None and str(current) == str(key)}


@register.simple_tag
def nav_links(*links):
    """The links of a section navigation, in order; a link left undefined (a
    conditional one the page does not show) is dropped."""
    return [link for link in links if link]


@register.simple_tag
def pairs(*items):
    """`{% pairs "Credits" programme.total_credits "Duration" programme.duration as rows %}`:
    the rows of a summary list (components/summary_list.html) as (key, value) pairs."""
    if len(items) % 2:
        raise template.TemplateSyntaxError("pairs takes keys and values in twos")
    return list(zip(items[::2], items[1::2], strict=True))


@register.simple_tag
def query(**params):
    """`{% query status=status q=q as query %}`: the list's filters as a URL-encoded
    query string for the pagination links (components/pagination.html), empty ones left out."""
    return urlencode({key: value for key, value in params.items() if value not in (None, "")})
