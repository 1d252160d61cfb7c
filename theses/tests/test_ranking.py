"""The ranking page offers one slot per project the student can rank, and takes a full ranking."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from theses import services
from theses.forms import ordinal
from theses.models import Preference, Proposal

from .factories import ProposalFactory, cohort_with_students

pytestmark = pytest.mark.django_db


def round_with_projects(n):
    round_, (student, other) = cohort_with_students(2)
    projects = [ProposalFactory(cohort=round_.cohort, title=f"Project {i:02d}") for i in range(1, n + 1)]
    # Not the student's to rank: another student's own project and a withdrawn one.
    ProposalFactory(cohort=round_.cohort, proposed_by_student=other, title="Idea of a classmate")
    ProposalFactory(cohort=round_.cohort, status=Proposal.Status.WITHDRAWN, title="Withdrawn project")
    return round_, student, projects


def select_names(html):
    return re.findall(r'<select name="(choice_\d+)"', html)


@pytest.mark.parametrize("n", [3, 9])
def test_the_page_offers_one_slot_per_project_the_student_can_rank(client, n):
    _, student, projects = round_with_projects(n)
    client.force_login(student)

    response = client.get(reverse("theses:preferences"))

    html = response.content.decode()
    assert select_names(html) == [f"choice_{i}" for i in range(1, n + 1)]
    assert [field.label for field in response.context["choice_fields"]][-1] == f"{ordinal(n)} choice"
    assert f"Rank as many of the {n} open projects as you like, your favourite first." in html
    # Each slot offers every rankable project, and nothing else.
    options = re.findall(r'<option value="(\d+)"', html.split('<select name="choice_1"')[1].split("</select>")[0])
    assert sorted(map(int, options)) == sorted(p.pk for p in projects)


def test_the_page_costs_the_same_queries_with_3_or_9_projects(client):
    counts = []
    for n in (3, 9):
        _, student, _ = round_with_projects(n)
        client.force_login(student)
        client.get(reverse("theses:preferences"))  # warm the session
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("theses:preferences"))
        assert len(select_names(response.content.decode())) == n
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_full_ranking_of_nine_projects_is_saved_in_order(client):
    _round, student, projects = round_with_projects(9)
    client.force_login(student)
    best_first = list(reversed(projects))

    response = client.post(reverse("theses:preferences"),
                           {f"choice_{i}": str(p.pk) for i, p in enumerate(best_first, start=1)})

    assert response.status_code == 302
    saved = Preference.objects.filter(preference_list__student=student).order_by("rank")
    assert [(c.rank, c.proposal_id) for c in saved] == [(i, p.pk) for i, p in enumerate(best_first, start=1)]
    # The page shows it back in the same order.
    page = client.get(reverse("theses:preferences"))
    assert [page.context["form"][f"choice_{i}"].value() for i in range(1, 10)] == [str(p.pk) for p in best_first]


def test_ranking_a_project_the_student_cannot_rank_is_refused_and_nothing_is_saved(client):
    _round, student, projects = round_with_projects(3)
    client.force_login(student)
    theirs = Proposal.objects.get(title="Idea of a classmate")

    response = client.post(reverse("theses:preferences"), {
        "choice_1": str(projects[0].pk), "choice_2": str(projects[1].pk), "choice_3": str(projects[2].pk),
        "choice_4": str(theirs.pk),  # a slot the page never offered
    })

    assert response.status_code == 200
    assert "“Idea of a classmate” is not open for preferences. Choose another project." in \
        response.content.decode()
    assert Preference.objects.count() == 0


def test_the_service_takes_every_rankable_project():
    round_, student, projects = round_with_projects(9)
    plist = services.preferences_submit(student=student, cohort=round_.cohort,
                                        proposal_ids=[p.pk for p in projects], by=student)
    assert list(plist.choices.order_by("rank").values_list("rank", flat=True)) == list(range(1, 10))


@pytest.mark.parametrize("n, text", [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"),
                                     (13, "13th"), (21, "21st"), (22, "22nd"), (23, "23rd"), (111, "111th")])
def test_slots_are_numbered_in_words_people_read(n, text):
    assert ordinal(n) == text
