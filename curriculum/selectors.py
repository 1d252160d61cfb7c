"""Reads the catalogue pages need, each a fixed number of queries whatever the
number of modules, and cached (curriculum.cache) where the public sees them."""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Window
from django.utils import timezone

from . import cache
from .models import (
    AcademicYear,
    Module,
    ModuleOffering,
    Programme,
    ProgrammeModule,
    SearchSynonym,
    Season,
    Theme,
)
from .search import clean_query, search_modules

CATALOGUE_PAGE_SIZE = 20
SEASON_ORDER = {Season.AUTUMN: 0, Season.SPRING: 1, Season.SUMMER: 2}


def current_academic_year(today=None):
    """The year running today; else the next to start; else the latest."""
    today = today or timezone.localdate()
    years = list(AcademicYear.objects.all())
    for year in years:
        if year.starts_on <= today <= year.ends_on:
            return year
    upcoming = [y for y in years if y.starts_on > today]
    if upcoming:
        return upcoming[0]
    return years[-1] if years else None


# --- Programmes -------------------------------------------------------------

def _published_placements():
    return (
        ProgrammeModule.objects.filter(module__status="published")
        .select_related("module")
        .order_by("year_of_study", "season", "kind", "module__code")
    )


def published_programmes():
    return list(
        Programme.objects.published().prefetch_related(
            Prefetch("placements", queryset=_published_placements()), "exit_awards"
        )
    )


@dataclass
class TermBlock:
    year_of_study: int
    season: str
    season_label: str
    core: list = field(default_factory=list)
    optional: list = field(default_factory=list)

    @property
    def core_credits(self):
        return sum(p.module.credits for p in self.core)


def programme_structure(placements):
    """Placements grouped by year of study and term, in teaching order."""
    blocks = {}
    for placement in placements:
        key = (placement.year_of_study, SEASON_ORDER.get(placement.season, 9))
        block = blocks.get(key)
        if block is None:
            block = blocks[key] = TermBlock(
                placement.year_of_study, placement.season, placement.get_season_display()
            )
        (block.core if placement.kind == ProgrammeModule.Kind.CORE else block.optional).append(placement)
    return [blocks[key] for key in sorted(blocks)]


def _programme_detail(slug):
    programme = (
        Programme.objects.published()
        .prefetch_related(Prefetch("placements", queryset=_published_placements()), "exit_awards")
        .filter(slug=slug)
        .first()
    )
    if programme is None:
        return None
    placements = list(programme.placements.all())
    core_credits = sum(p.module.credits for p in placements if p.kind == ProgrammeModule.Kind.CORE)
    optional = [p for p in placements if p.kind == ProgrammeModule.Kind.OPTIONAL]
    return {
        "programme": programme,
        "structure": programme_structure(placements),
        "core_credits": core_credits,
        "optional_credits_offered": sum(p.module.credits for p in optional),
        "credits_add_up": core_credits + programme.optional_credits == programme.total_credits,
        "exit_awards": list(programme.exit_awards.all()),
    }


def programme_detail(slug):
    return cache.cached("programme", slug, lambda: _programme_detail(slug))


def programme_list():
    return cache.cached("programmes", "", published_programmes)


# --- The module catalogue ----------------------------------------------------

@dataclass
class CataloguePage:
    modules: list
    number: int
    num_pages: int
    count: int
    query: str

    @property
    def has_previous(self):
        return self.number > 1

    @property
    def has_next(self):
        return self.number < self.num_pages


def catalogue_choices():
    """Options for the catalogue's filters (cached): 3 queries when cold."""

    def build():
        return {
            "programmes": list(Programme.objects.published().values_list("slug", "title")),
            "themes": list(Theme.objects.filter(modules__status="published").distinct().values_list("slug", "name")),
            "credits": list(Module.objects.published().order_by("credits").values_list("credits", flat=True)
                            .distinct()),
            "levels": list(Module.objects.published().order_by("level").values_list("level", flat=True).distinct()),
        }

    return cache.cached("choices", "", build)


def filter_modules(queryset, filters):
    """Apply the catalogue's filters. Placement filters (programme, term, core or
    optional) must all hold for the same placement, so they go in one subquery."""
    placement = {}
    if filters.get("programme"):
        placement["programme__slug"] = filters["programme"]
        placement["programme__status"] = "published"
    if filters.get("term"):
        placement["season"] = filters["term"]
    if filters.get("kind"):
        placement["kind"] = filters["kind"]
    if placement:
        queryset = queryset.filter(
            Exists(ProgrammeModule.objects.filter(module=OuterRef("pk"), **placement))
        )
    if filters.get("level"):
        queryset = queryset.filter(level=filters["level"])
    if filters.get("credits"):
        queryset = queryset.filter(credits=filters["credits"])
    if filters.get("theme"):
        queryset = queryset.filter(themes__slug=filters["theme"])
    return queryset


def _page_number(raw):
    """The page asked for; 1 for anything that is not a number."""
    try:
        return int(raw)
    except (TypeError, ValueError):
        return 1


def _catalogue_placements(programme_slug):
    placements = ProgrammeModule.objects.filter(programme__status="published")
    if programme_slug:
        placements = placements.filter(programme__slug=programme_slug)
    # Unordered: the model's ordering would join the modules again for nothing.
    return placements.select_related("programme").order_by().only(
        "module_id", "kind", "season", "year_of_study", "programme__title", "programme__slug"
    )


def _term_label(placements):
    """The terms a module is taught in, in teaching order: "Autumn term", "Autumn and spring terms"."""
    seasons = sorted({p.season for p in placements}, key=lambda s: SEASON_ORDER.get(s, 9))
    names = [Season(s).label.removesuffix(" term") for s in seasons]
    if not names:
        return ""
    if len(names) == 1:
        return f"{names[0]} term"
    return f"{', '.join(names[:-1])} and {names[-1].lower()} terms".capitalize()


def _with_placement_labels(modules, programme_slug):
    """Say on each module where it sits: its term(s) and, for a chosen programme,
    whether it is core or optional there (from the prefetched placements)."""
    for module in modules:
        placements = module.catalogue_placements
        module.catalogue_terms = _term_label(placements)
        module.catalogue_placement = placements[0] if programme_slug and placements else None
    return modules


def _catalogue_page(filters, page_number):
    """One page of the catalogue. The total comes with the page's rows (COUNT(*)
    OVER ()), so a page costs one query, not a page query and a count; only a
    page past the end (or an empty result) counts separately, to say where the
    results end."""
    query = clean_query(filters.get("q"))
    queryset = filter_modules(Module.objects.published(), filters)
    programme_slug = filters.get("programme")
    queryset = (
        search_modules(queryset, query).defer("search_vector", "description", "pending")
        .select_related("leader").prefetch_related(
            "themes",
            Prefetch("placements", queryset=_catalogue_placements(programme_slug), to_attr="catalogue_placements"),
        )
    )
    if not query:
        queryset = queryset.order_by("code")
    counted = queryset.annotate(total=Window(Count("pk")))
    number = _page_number(page_number)

    def rows(page):
        start = (page - 1) * CATALOGUE_PAGE_SIZE
        return _with_placement_labels(list(counted[start:start + CATALOGUE_PAGE_SIZE]), programme_slug)

    modules = rows(number) if number >= 1 else []
    count = modules[0].total if modules else queryset.count()
    num_pages = max(1, -(-count // CATALOGUE_PAGE_SIZE))
    if not modules and count:
        number = num_pages  # past the end: the last page, as Django's Paginator does
        modules = rows(number)
    elif not modules:
        number = 1
    return CataloguePage(modules, number, num_pages, count, query)


def catalogue_page(filters, page_number):
    key = (sorted((k, v) for k, v in filters.items() if v), str(page_number))
    return cache.cached("catalogue", key, lambda: _catalogue_page(filters, page_number))


# --- One module ---------------------------------------------------------------

def _linked_modules():
    return Module.objects.published().defer("search_vector", "pending", "description").order_by("code")


def module_public_queryset():
    return Module.objects.published().defer("search_vector", "pending").select_related("leader").prefetch_related(
        "outcomes",
        "assessments",
        "themes",
        Prefetch("prerequisites", queryset=_linked_modules()),
        Prefetch("required_by", queryset=_linked_modules()),
        Prefetch(
            "placements",
            queryset=ProgrammeModule.objects.filter(programme__status="published").select_related("programme"),
        ),
    )


def offering_for_year(module, year):
    if year is None:
        return None
    return (
        ModuleOffering.objects.filter(module=module, academic_year=year)
        .select_related("term", "leader", "academic_year")
        .order_by("term__starts_on")
        .first()
    )


def _module_detail(slug):
    module = module_public_queryset().filter(slug=slug).first()
    if module is None:
        return None
    year = current_academic_year()
    return {
        "module": module,
        "outcomes": list(module.outcomes.all()),
        "assessments": list(module.assessments.all()),
        "prerequisites": list(module.prerequisites.all()),
        "required_by": list(module.required_by.all()),
        "themes": list(module.themes.all()),
        "placements": list(module.placements.all()),
        "offering": offering_for_year(module, year),
        "academic_year": year,
    }


def module_detail(slug):
    return cache.cached("module", slug, lambda: _module_detail(slug))


# --- The front page ------------------------------------------------------------

def _home():
    programmes = published_programmes()
    flagship = next((p for p in programmes if p.award == Programme.Award.MSC), programmes[0] if programmes else None)
    core = []
    if flagship is not None:
        core = [p.module for p in flagship.placements.all() if p.kind == ProgrammeModule.Kind.CORE]
    return {
        "flagship": flagship,
        "programmes": programmes,
        "core_modules": core,
        "module_count": Module.objects.published().count(),
    }


def home():
    return cache.cached("home", "", _home)


# --- The search's synonyms (staff) ------------------------------------------------------

def search_synonyms():
    return SearchSynonym.objects.select_related("updated_by").order_by("term")
