"""The shared components (templates/components/) and the tags that build their arguments."""

import re

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.urls import reverse


def render(source, **context):
    return Template("{% load components %}" + source).render(Context(context))


def include(component, arguments, **context):
    return render(f'{{% include "components/{component}.html" with {arguments} only %}}', **context)


def squeeze(html):
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


def test_pagination_links_both_ways_and_keeps_the_filters():
    html = include("pagination", "number=2 num_pages=3 count=41 query=query", query="q=data&x=1")

    assert squeeze(html) == (
        '<nav class="pagination-nav" aria-label="Pages"><ul>'
        '<li class="pagination-nav__prev"><a href="?q=data&amp;x=1&amp;page=1" rel="prev">'
        'Previous<span class="visually-hidden"> page</span></a></li>'
        '<li class="pagination-nav__current" aria-current="page">Page 2 of 3 (41 in all)</li>'
        '<li class="pagination-nav__next"><a href="?q=data&amp;x=1&amp;page=3" rel="next">'
        'Next<span class="visually-hidden"> page</span></a></li>'
        "</ul></nav>"
    )


def test_pagination_shows_only_the_way_that_exists_and_nothing_for_one_page():
    last = include("pagination", 'number=3 num_pages=3 label="Pages of proposals"')

    assert 'aria-label="Pages of proposals"' in last
    assert 'href="?page=2" rel="prev"' in last and 'rel="next"' not in last
    assert include("pagination", "number=1 num_pages=1").strip() == ""


def test_status_tag_names_its_state_in_words_and_class():
    html = include("status_tag", 'state="late" label="Late" id="t1"')

    assert html == '<strong id="t1" class="status-tag status-tag--late">Late</strong>'


def test_section_nav_marks_the_current_page_only():
    html = render(
        '{% nav_link "Emails" "notifications:outbox" key="outbox" current=here as emails %}'
        '{% nav_link "Templates" "notifications:template-list" key="templates" current=here as templates %}'
        "{% nav_links emails missing templates as links %}"
        '{% include "components/section_nav.html" with label="Outbox" links=links only %}',
        here="templates",
    )

    assert squeeze(html) == (
        '<nav class="section-nav" aria-label="Outbox"><ul>'
        f'<li><a href="{reverse("notifications:outbox")}">Emails</a></li>'
        f'<li><a href="{reverse("notifications:template-list")}" aria-current="page">Templates</a></li>'
        "</ul></nav>"
    )


def test_a_nav_link_is_current_by_its_url_name_and_carries_its_query():
    link = render(
        '{% nav_link "To review" "admissions:review-queue" query="show=todo" current=here as l %}'
        "{{ l.url }} {{ l.current }}",
        here="admissions:review-queue",
    )

    assert link == f"{reverse('admissions:review-queue')}?show=todo True"


def test_summary_list_escapes_its_values():
    html = render(
        '{% pairs "Credits" 60 "Title" title as rows %}'
        '{% include "components/summary_list.html" with rows=rows only %}',
        title="<b>Data</b>",
    )

    assert squeeze(html) == (
        '<dl class="summary-list"><div><dt>Credits</dt><dd>60</dd></div>'
        "<div><dt>Title</dt><dd>&lt;b&gt;Data&lt;/b&gt;</dd></div></dl>"
    )


def test_pairs_refuses_a_key_without_its_value():
    with pytest.raises(TemplateSyntaxError):
        render('{% pairs "Credits" as rows %}')


def test_query_leaves_out_empty_filters_and_encodes_the_rest():
    html = render("{% query status=status q=q year=year as query %}{{ query }}", status="open", q="a&b", year="")

    assert html == "status=open&amp;q=a%26b"


def test_empty_state_says_what_to_do_next():
    html = include(
        "empty_state",
        'title="No emails" message="Nothing has been sent yet." action_url="/x/" action_label="Write one"',
    )

    assert squeeze(html) == (
        '<div class="empty-state"><h2 class="h4">No emails</h2>'
        '<p>Nothing has been sent yet. <a href="/x/">Write one</a></p></div>'
    )


def test_confirmation_names_the_consequence_and_a_way_back():
    html = include(
        "confirmation",
        'consequence="The synonym goes." button="Delete it" keep_url="/back/" keep_label="Keep it" csrf_token="tok"',
    )

    assert '<p class="confirmation__consequence">The synonym goes.</p>' in html
    assert '<input type="hidden" name="csrfmiddlewaretoken" value="tok">' in html
    assert '<button type="submit" class="btn btn-danger">Delete it</button>' in html
    assert '<a href="/back/">Keep it</a>' in html
