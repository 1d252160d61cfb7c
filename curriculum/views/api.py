"""Read-only JSON of the published catalogue (docs/api.md)."""

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import JsonResponse
from django.views.decorators.http import require_safe

from ..models import Module, Programme, ProgrammeModule
from ..search import clean_query, search_modules

API_PAGE_SIZE = 50


def _page(request, queryset, serialise):
    paginator = Paginator(queryset, API_PAGE_SIZE)
    try:
        number = int(request.GET.get("page", "1"))
    except ValueError:
        number = 0
    if number < 1 or number > paginator.num_pages:
        return JsonResponse({"error": f"No page {request.GET.get('page')!r}: pages run from 1 to "
                                      f"{paginator.num_pages}."}, status=404)
    page = paginator.page(number)

    def link(n):
        params = request.GET.copy()
        params["page"] = str(n)
        return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")

    return JsonResponse({
        "count": paginator.count,
        "page": number,
        "pages": paginator.num_pages,
        "next": link(number + 1) if page.has_next() else None,
        "previous": link(number - 1) if page.has_previous() else None,
        "results": [serialise(request, item) for item in page.object_list],
    }, json_dumps_params={"ensure_ascii": False})


def _programme(request, programme):
    return {
        "slug": programme.slug,
        "title": programme.title,
        "award": programme.get_award_display(),
        "total_credits": programme.total_credits,
        "optional_credits": programme.optional_credits,
        "duration": programme.duration,
        "full_time": programme.full_time,
        "part_time": programme.part_time,
        "summary": programme.summary,
        "url": request.build_absolute_uri(programme.get_absolute_url()),
        "exit_awards": [{"name": a.name, "credits": a.credits_required} for a in programme.exit_awards.all()],
        "modules": [
            {"code": p.module.code, "slug": p.module.slug, "kind": p.kind, "year_of_study": p.year_of_study,
             "term": p.season}
            for p in programme.placements.all()
        ],
    }


@require_safe
def programme_list(request):
    queryset = Programme.objects.published().prefetch_related(
        "exit_awards",
        Prefetch("placements", queryset=ProgrammeModule.objects.filter(module__status="published")
                 .select_related("module").order_by("year_of_study", "season", "module__code")),
    )
    return _page(request, queryset, _programme)


def _module(request, module):
    return {
        "code": module.code,
        "slug": module.slug,
        "title": module.title,
        "summary": module.summary,
        "description_markdown": module.description,
        "credits": module.credits,
        "level": module.level,
        "leader": module.leader.full_name if module.leader else None,
        "url": request.build_absolute_uri(module.get_absolute_url()),
        "themes": [t.name for t in module.themes.all()],
        "prerequisites": [m.code for m in module.prerequisites.all()],
        "learning_outcomes": [o.text for o in module.outcomes.all()],
        "assessment": [{"title": a.title, "kind": a.kind, "weight": a.weight} for a in module.assessments.all()],
        "programmes": [
            {"slug": p.programme.slug, "kind": p.kind, "year_of_study": p.year_of_study, "term": p.season}
            for p in module.placements.all()
        ],
    }


@require_safe
def module_list(request):
    queryset = (
        Module.objects.published().defer("search_vector", "pending").select_related("leader")
        .prefetch_related(
            "themes", "outcomes", "assessments",
            Prefetch("prerequisites", queryset=Module.objects.published().only("code")),
            Prefetch("placements", queryset=ProgrammeModule.objects.filter(programme__status="published")
                     .select_related("programme")),
        )
        .order_by("code")
    )
    query = clean_query(request.GET.get("q"))
    if query:
        queryset = search_modules(queryset, query)
    return _page(request, queryset, _module)
