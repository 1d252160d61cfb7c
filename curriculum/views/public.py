"""Public catalogue pages: the front page, programmes, modules."""

import json

from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_safe

from .. import cache, selectors
from ..forms import CatalogueFilterForm


def apply_url():
    """Where "Apply" goes: the admissions app's page once it exists, else sign-up."""
    try:
        return reverse("admissions:apply")
    except NoReverseMatch:
        return reverse("accounts:signup")


@require_safe
def home(request):
    context = selectors.home()
    return render(request, "home.html", {**context, "apply_url": apply_url()})


@require_safe
def programme_list(request):
    return render(request, "curriculum/programme_list.html", {"programmes": selectors.programme_list()})


@require_safe
def programme_detail(request, slug):
    context = selectors.programme_detail(slug)
    if context is None:
        raise Http404("No such programme")
    return render(request, "curriculum/programme_detail.html", {**context, "apply_url": apply_url()})


def _catalogue_body(request):
    choices = selectors.catalogue_choices()
    form = CatalogueFilterForm(request.GET or None, choices=choices)
    filters = form.filters() if request.GET else {}
    page = selectors.catalogue_page(filters, request.GET.get("page", "1"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {"filter_form": form, "page": page, "filtered": bool(filters), "filters_query": params.urlencode()}
    return {"html": render_to_string("curriculum/partials/catalogue.html", context), "query": page.query}


@require_safe
def module_list(request):
    # The filters and results depend only on the query string: cached as HTML,
    # so a cached search costs no query and no rendering of the list.
    key = sorted((k, v[:800]) for k, values in request.GET.lists() for v in values)
    body = cache.cached("catalogue-html", key, lambda: _catalogue_body(request))
    return render(request, "curriculum/module_list.html", {"body": body["html"], "query": body["query"]})


def course_schema(request, module, placements):
    """schema.org Course data for search engines (JSON-LD)."""
    data = {
        "@context": "https://schema.org",
        "@type": "Course",
        "name": module.title,
        "courseCode": module.code,
        "description": module.summary,
        "url": request.build_absolute_uri(module.get_absolute_url()),
        "numberOfCredits": module.credits,
        "educationalCredentialAwarded": sorted({p.programme.title for p in placements}),
        "provider": {"@type": "CollegeOrUniversity", "name": "Masters in Public Technology"},
    }
    if module.leader_id and module.leader:
        data["instructor"] = {"@type": "Person", "name": module.leader.full_name}
    # Escaped so that no text can close the script element.
    return json.dumps(data).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@require_safe
def module_detail(request, slug):
    context = selectors.module_detail(slug)
    if context is None:
        raise Http404("No such module")
    return render(request, "curriculum/module_detail.html", module_page_context(request, context))


def module_page_context(request, context, *, preview=False):
    return {
        **context,
        "preview": preview,
        "course_schema": course_schema(request, context["module"], context["placements"]),
    }
