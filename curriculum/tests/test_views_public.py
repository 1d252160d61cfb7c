import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import panels
from curriculum import cache as catalogue_cache
from curriculum import services
from curriculum.models import ExitAward, Module, ProgrammeModule, Season
from curriculum.snapshots import working_snapshot
from curriculum.tests.factories import (
    AcademicYearFactory,
    ModuleFactory,
    ModuleOfferingFactory,
    ProgrammeFactory,
    ProgrammeModuleFactory,
    TermFactory,
    ThemeFactory,
)
from curriculum.tests.helpers import full_module, staff_user

pytestmark = pytest.mark.django_db


def text_of(response):
    return re.sub(r"\s+", " ", response.content.decode())


def test_home_says_what_who_and_how_to_apply_from_the_data(client):
    msc = ProgrammeFactory(title="MSc Public Technology", award="msc", summary="A Masters for coders.",
                           who_it_is_for="People who can already code well.", duration="One year full-time")
    ProgrammeModuleFactory(programme=msc, module=ModuleFactory(title="Privacy management"))
    ProgrammeFactory(title="Hidden draft", draft=True)

    page = text_of(client.get("/"))

    assert "<h1 id=\"hero-title\">MSc Public Technology</h1>" in page
    assert "A Masters for coders." in page
    assert "Who it is for:</strong> People who can already code well." in page
    assert "Privacy management" in page
    assert "How to apply" in page
    assert "Hidden draft" not in page


def test_home_renders_the_home_panels(client, monkeypatch, tmp_path, settings):
    monkeypatch.setattr(panels, "_registry", panels.defaultdict(list))
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    (tmp_path / "next_intake.html").write_text("<p>Apply by {{ deadline }}</p>")
    panels.register("home", template="next_intake.html", context=lambda request: {"deadline": "31 March 2027"})
    assert "<p>Apply by 31 March 2027</p>" in client.get("/").content.decode()


def test_programme_page_shows_structure_by_term_credits_and_exit_awards(client):
    programme = ProgrammeFactory(title="MSc PT", total_credits=45, optional_credits=15)
    ProgrammeModuleFactory(programme=programme, module=ModuleFactory(title="Autumn core", credits=30),
                           season=Season.AUTUMN)
    ProgrammeModuleFactory(programme=programme, module=ModuleFactory(title="Spring choice", credits=15),
                           season=Season.SPRING, kind=ProgrammeModule.Kind.OPTIONAL)
    ProgrammeModuleFactory(programme=programme, module=ModuleFactory(title="Secret draft", draft=True))
    ExitAward.objects.create(programme=programme, name="PGCert", credits_required=30)

    page = text_of(client.get(programme.get_absolute_url()))

    assert ("30 credits of core modules, plus 15 credits you choose from the optional modules: "
            "45 credits in all.") in page
    order = [page.index(text) for text in ("Autumn term", "Autumn core", "Spring term", "Spring choice")]
    assert order == sorted(order)
    assert "PGCert after 30 credits" in page
    assert "Secret draft" not in page


def test_a_draft_programme_is_not_found(client):
    assert client.get(ProgrammeFactory(draft=True).get_absolute_url()).status_code == 404


def test_module_page_shows_outcomes_assessment_prerequisites_and_offering(client):
    before = full_module(title="Dissecting digital services", slug="dissecting")
    module = full_module(title="User experience design", leader__full_name="Dr Ada Okafor")
    module.prerequisites.add(before)
    programme = ProgrammeFactory(title="MSc Public Technology")
    ProgrammeModuleFactory(programme=programme, module=module, season=Season.SPRING)
    year = AcademicYearFactory(first_year=2026)
    ModuleOfferingFactory(module=module, term=TermFactory(academic_year=year))

    response = client.get(module.get_absolute_url())
    page = text_of(response)

    assert "<li>Explain a thing.</li><li>Build a thing.</li>" in page
    assert "<td>Essay</td><td>Essay</td><td class=\"text-end\">60%</td>" in page
    assert '<a href="/modules/dissecting/">Dissecting digital services</a>' in page
    assert "Dr Ada Okafor" in page
    assert "MSc Public Technology</a> (core, spring term)</li>" in page
    assert "Autumn term 2026/27, from Monday 28 September 2026" in page
    schema = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page).group(1))
    assert (schema["@type"], schema["name"], schema["courseCode"]) == ("Course", "User experience design", module.code)


def test_module_description_goes_through_the_sanitiser(client):
    module = ModuleFactory(description="**Bold** <script>alert(1)</script><iframe src=x></iframe>"
                                       "[x](javascript:alert(1)) <a href=\"#\" onclick=\"alert(1)\">y</a>")
    html = client.get(module.get_absolute_url()).content.decode().lower()
    assert "<strong>bold</strong>" in html
    body = html.split('id="about-title"')[1]
    for needle in ("<script>alert", "<iframe", "javascript:", "onclick"):
        assert needle not in body


def test_a_draft_module_is_not_found_even_by_its_address(client):
    module = ModuleFactory(draft=True, slug="secret-draft")
    assert client.get("/modules/secret-draft/").status_code == 404
    assert module.code not in client.get("/modules/").content.decode()
    assert client.get("/modules/", {"q": module.title}).content.decode().count(module.code) == 0


def test_search_finds_by_title_summary_and_description_title_first(client):
    in_description = ModuleFactory(code="MPT3", title="Methods", summary="Research.", description="About privacy.")
    in_title = ModuleFactory(code="MPT9", title="Privacy management", summary="Law.")
    ModuleFactory(code="MPT5", title="Design", summary="Nothing relevant.", description="")

    page = text_of(client.get("/modules/", {"q": "privacy"}))

    assert "2 modules matching “privacy”" in page
    assert page.index(in_title.title) < page.index(f"{in_description.code} ·")
    assert "Design" not in page.split("results-title")[1]


@pytest.mark.parametrize(
    "query", ["x" * 10_000, "\u202e\u0301\ufeff", "😀 privacy", "a:*|!&(", "'; DROP", "é" * 5000, "privacy\tdesign"]
)
def test_any_search_string_is_answered(client, query):
    ModuleFactory(title="Privacy management")
    response = client.get("/modules/", {"q": query})
    assert response.status_code == 200


@pytest.mark.parametrize("query_string", ["q=%00%01privacy", "q=%ED%A0%80%FF%00privacy"])
def test_control_characters_and_malformed_utf8_are_refused_before_the_search(client, query_string):
    # The site-wide guard (core.middleware) answers these; the search never sees them.
    ModuleFactory(title="Privacy management")
    response = client.get("/modules/?" + query_string)
    assert response.status_code == 400
    assert "Privacy management" not in response.content.decode()


def test_filters_combine_and_stay_in_the_url(client):
    programme = ProgrammeFactory(slug="msc")
    other = ProgrammeFactory(slug="pgcert")
    theme = ThemeFactory(slug="design", name="Design")
    optional_in_msc = ModuleFactory(code="MPT1", title="Optional design")
    optional_in_msc.themes.add(theme)
    core_in_msc = ModuleFactory(code="MPT2", title="Core design")
    core_in_msc.themes.add(theme)
    ProgrammeModuleFactory(programme=programme, module=optional_in_msc, kind="optional")
    ProgrammeModuleFactory(programme=programme, module=core_in_msc, kind="core")
    # Optional elsewhere and core here must not count as "optional in this programme".
    ProgrammeModuleFactory(programme=other, module=core_in_msc, kind="optional")

    response = client.get("/modules/", {"programme": "msc", "kind": "optional", "theme": "design"})
    page = text_of(response)

    assert "1 module" in page
    assert "Optional design" in page and "Core design" not in page
    assert 'value="optional" selected' in page


def test_an_unknown_filter_value_is_ignored_not_an_error(client):
    ModuleFactory(title="Anything")
    response = client.get("/modules/", {"programme": "no-such", "level": "99", "page": "banana"})
    assert response.status_code == 200
    assert "1 module" in text_of(response)


def test_no_results_says_what_to_try(client):
    ModuleFactory(title="Privacy management")
    page = text_of(client.get("/modules/", {"q": "quantum"}))
    assert "No modules found" in page
    assert "Nothing matches “quantum”" in page
    assert "use a shorter or more general word" in page


def test_the_catalogue_paginates(client):
    ModuleFactory.create_batch(25)
    page = text_of(client.get("/modules/", {"page": "2"}))
    assert "Page 2 of 2" in page
    assert page.count('class="module-result"') == 5


@pytest.mark.parametrize(("asked", "shown", "results"), [("99", 2, 5), ("0", 2, 5), ("-3", 2, 5), ("banana", 1, 20)])
def test_a_page_past_the_end_or_not_a_number_shows_a_real_page(client, asked, shown, results):
    ModuleFactory.create_batch(25)
    page = text_of(client.get("/modules/", {"page": asked}))
    assert f"Page {shown} of 2" in page
    assert page.count('class="module-result"') == results
    assert "25 modules" in page


def test_the_total_comes_with_the_page_in_one_query(client, settings):
    from curriculum import selectors

    ModuleFactory.create_batch(25)
    with CaptureQueriesContext(connection) as queries:
        page = selectors._catalogue_page({}, "2")
    module_queries = [q["sql"] for q in queries.captured_queries if "curriculum_module" in q["sql"]
                      and "curriculum_module_themes" not in q["sql"]]
    assert (page.number, page.num_pages, page.count, len(page.modules)) == (2, 2, 25, 5)
    assert len(module_queries) == 1 and "COUNT(" in module_queries[0] and "OVER" in module_queries[0]


def test_public_pages_are_cached_until_something_is_published(client):
    module = full_module(summary="Original summary.")
    editor = staff_user()
    assert "Original summary." in client.get(module.get_absolute_url()).content.decode()

    # A change that bypasses the services is not seen: the page comes from the cache.
    Module.objects.filter(pk=module.pk).update(summary="Sneaky change.")
    assert "Original summary." in client.get(module.get_absolute_url()).content.decode()

    # A saved draft is not public; publishing invalidates the cache and shows it.
    data = {**working_snapshot(Module.objects.get(pk=module.pk)), "summary": "Published summary."}
    services.module_save_draft(module=module, data=data, expected_version=module.version, by=editor)
    assert "Published summary." not in client.get(module.get_absolute_url()).content.decode()
    services.module_publish(module=module, by=editor)
    page = client.get(module.get_absolute_url()).content.decode()
    assert "Published summary." in page
    catalogue = client.get("/modules/").content.decode()
    assert "Published summary." in catalogue


def test_any_save_of_catalogue_rows_invalidates_the_cache(client):
    module = full_module(summary="Before the admin edit.")
    assert "Before the admin edit." in client.get(module.get_absolute_url()).content.decode()
    module.summary = "After the admin edit."
    module.save()  # as the admin site or another app would
    assert "After the admin edit." in client.get(module.get_absolute_url()).content.decode()


def test_a_cached_page_costs_no_catalogue_queries(client, monkeypatch):
    # Other apps' panels (sessions, guest lectures) are rendered live and may query: leave them out here.
    monkeypatch.setattr(panels, "_registry", panels.defaultdict(list))
    module = full_module()
    client.get(module.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        client.get(module.get_absolute_url())
    assert len(queries) == 0


# --- Query counts: the same at two sizes ------------------------------------------

def _queries(client, url, *, shows=()):
    """The queries an uncached page costs, having checked that it shows each of `shows`."""
    catalogue_cache.bump_generation()  # measure the uncached page
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert [text for text in shows if text not in page] == []
    return len(queries)


def _grow_module(module, n):
    year = AcademicYearFactory(first_year=2026)
    ModuleOfferingFactory(module=module, term=TermFactory(academic_year=year))
    for i in range(n):
        module.prerequisites.add(ModuleFactory())
        module.themes.add(ThemeFactory())
        ProgrammeModuleFactory(module=module)
        module.outcomes.create(order=i, text=f"Outcome {i}")
        module.assessments.create(order=i, title=f"Part {i}", kind="essay", weight=10)


@pytest.mark.parametrize("url_name", ["home", "curriculum:module-list", "curriculum:programme-list",
                                      "curriculum:api-module-list", "curriculum:api-programme-list"])
def test_list_pages_cost_the_same_queries_at_two_sizes(client, url_name):
    url = reverse(url_name)
    counts = []
    programmes, modules = [], []
    for n in (1, 4):
        for _ in range(n):
            programme = ProgrammeFactory()
            module = ModuleFactory()
            module.themes.add(ThemeFactory())
            ProgrammeModuleFactory(programme=programme, module=module)
            module.outcomes.create(text="Outcome")
            ExitAward.objects.create(programme=programme, name="PGCert", credits_required=60)
            programmes.append(programme.title)
            modules.append(module.title)
        counts.append(_queries(client, url, shows=modules if "module" in url_name else programmes))
    assert counts[0] == counts[1]


def test_the_module_page_costs_the_same_queries_at_two_sizes(client):
    small, large = ModuleFactory(), ModuleFactory()
    _grow_module(small, 1)
    _grow_module(large, 5)

    def shown(module):
        return [module.title, *module.outcomes.values_list("text", flat=True),
                *module.assessments.values_list("title", flat=True),
                *module.prerequisites.values_list("title", flat=True)]

    assert _queries(client, small.get_absolute_url(), shows=shown(small)) == _queries(
        client, large.get_absolute_url(), shows=shown(large))


def test_the_programme_page_costs_the_same_queries_at_two_sizes(client):
    small, large = ProgrammeFactory(), ProgrammeFactory()
    ProgrammeModuleFactory(programme=small)
    for season in (Season.AUTUMN, Season.SPRING, Season.SUMMER):
        ProgrammeModuleFactory(programme=large, season=season)
        ProgrammeModuleFactory(programme=large, season=season, kind="optional")
    ExitAward.objects.create(programme=large, name="PGCert", credits_required=60)

    def shown(programme):
        return [programme.title, *programme.modules.values_list("title", flat=True)]

    assert _queries(client, small.get_absolute_url(), shows=shown(small)) == _queries(
        client, large.get_absolute_url(), shows=shown(large))


def test_the_module_search_costs_the_same_queries_at_two_sizes(client):
    counts = []
    codes = []
    for n in (1, 5):
        codes += [module.code for module in ModuleFactory.create_batch(n, title="Privacy thing")]
        counts.append(_queries(client, reverse("curriculum:module-list") + "?q=privacy&level=7", shows=codes))
    assert counts[0] == counts[1]


# --- Where each module sits: terms, core or optional, theme links --------------------

def _module_results(page):
    return re.findall(r'<li class="module-result">(.*?)</li>', page)


def test_each_module_shows_its_terms_and_its_theme_links_to_the_filtered_list(client):
    theme = ThemeFactory(slug="research-methods", name="Research methods")
    module = ModuleFactory(code="MPT7003", title="Methods")
    module.themes.add(theme)
    ProgrammeModuleFactory(module=module, season=Season.AUTUMN)
    ProgrammeModuleFactory(module=module, season=Season.SPRING, kind="optional")
    ProgrammeModuleFactory(module=module, season=Season.SUMMER, programme=ProgrammeFactory(draft=True))

    page = text_of(client.get("/modules/"))

    assert "MPT7003 · 15 credits · Level 7 · Autumn and spring terms · Led by" in page
    assert ('<a class="theme-tag" href="/modules/?theme=research-methods">Research methods'
            '<span class="visually-hidden"> (every module on this theme)</span></a>') in page
    # Without a chosen programme, core or optional depends on the programme: not said.
    assert 'class="module-placement"' not in page


def test_a_programme_filter_narrows_to_its_modules_and_says_core_or_optional(client):
    msc = ProgrammeFactory(slug="msc", title="MSc Public Technology")
    pgcert = ProgrammeFactory(slug="pgcert", title="PGCert Public Technology")
    core = ModuleFactory(code="MPT7001", title="Institutions")
    optional = ModuleFactory(code="MPT7002", title="Open data")
    ModuleFactory(code="MPT7009", title="Only elsewhere")
    ProgrammeModuleFactory(programme=msc, module=core, kind="core", season=Season.AUTUMN)
    ProgrammeModuleFactory(programme=msc, module=optional, kind="optional", season=Season.SPRING, year_of_study=2)
    ProgrammeModuleFactory(programme=pgcert, module=core, kind="optional", season=Season.SUMMER)

    page = text_of(client.get("/modules/", {"programme": "msc"}))

    assert "2 modules" in page and "Only elsewhere" not in page
    results = _module_results(page)
    assert len(results) == 2
    assert "MPT7001 · 15 credits · Level 7 · Autumn term ·" in results[0]
    assert '<strong class="status-tag status-tag--core">Core</strong> in MSc Public Technology</p>' in results[0]
    assert "MPT7002 · 15 credits · Level 7 · Spring term ·" in results[1]
    assert ('<strong class="status-tag status-tag--optional">Optional</strong> in MSc Public Technology, '
            "year 2 of study</p>") in results[1]


def test_a_theme_link_opens_the_list_of_that_theme(client):
    theme = ThemeFactory(slug="design", name="Design")
    ModuleFactory(title="Design module").themes.add(theme)
    ModuleFactory(title="Other module")
    page = text_of(client.get("/modules/?theme=design"))
    assert "1 module" in page and "Design module" in page and "Other module" not in page


@pytest.mark.parametrize("programme_filter", [False, True])
def test_the_catalogue_costs_the_same_queries_at_two_sizes_and_says_where_each_module_sits(
    client, programme_filter
):
    programme = ProgrammeFactory(slug="msc", title="MSc Public Technology")
    url = reverse("curriculum:module-list") + ("?programme=msc" if programme_filter else "")
    counts = []
    for n in (1, 4):
        for i in range(n):
            module = ModuleFactory()
            module.themes.add(ThemeFactory())
            ProgrammeModuleFactory(programme=programme, module=module, season=Season.SPRING,
                                   kind="optional" if i % 2 else "core")
            ProgrammeModuleFactory(module=module, season=Season.AUTUMN)
        catalogue_cache.bump_generation()
        with CaptureQueriesContext(connection) as queries:
            page = text_of(client.get(url))
        counts.append(len(queries))
        results = _module_results(page)
        placements = ProgrammeModule.objects.filter(programme=programme).select_related("module")
        assert len(results) == Module.objects.count() == placements.count()
        for placement in placements.order_by("module__code"):
            row = next(r for r in results if f"{placement.module.code} ·" in r)
            assert placement.module.title in row
            assert '<a class="theme-tag" href="/modules/?theme=' in row
            if programme_filter:
                assert " · Spring term · " in row
                assert f">{placement.get_kind_display()}</strong> in MSc Public Technology</p>" in row
            else:
                assert " · Autumn and spring terms · " in row
                assert 'class="module-placement"' not in row
    assert counts[0] == counts[1]
