import pytest

from curriculum import rules
from curriculum.models import ExitAward, ProgrammeModule
from curriculum.tests.factories import ModuleFactory, ProgrammeFactory, ProgrammeModuleFactory


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ([60, 40], None),
        ([100], None),
        ([50, 40], "Assessment weights must add up to 100%; these add up to 90%."),
        ([70, 40], "Assessment weights must add up to 100%; these add up to 110%."),
        ([], "Add at least one assessment component."),
    ],
)
def test_weights_must_sum_to_100(weights, message):
    assert rules.weights_problem(weights) == message


@pytest.mark.django_db
def test_a_prerequisite_loop_is_found_through_other_modules():
    a, b, c = ModuleFactory(code="A1"), ModuleFactory(code="B1"), ModuleFactory(code="C1")
    b.prerequisites.add(a)  # B requires A
    c.prerequisites.add(b)  # C requires B
    cycle = rules.prerequisite_cycle(a.pk, [c.pk])  # A requires C: A → C → B → A
    assert [m.code for m in cycle] == ["A1", "C1", "B1", "A1"]
    assert rules.cycle_message(cycle).startswith("That would make a loop of prerequisites: A1 requires C1")


@pytest.mark.django_db
def test_a_module_cannot_require_itself_and_a_chain_is_fine():
    a, b = ModuleFactory(code="A1"), ModuleFactory(code="B1")
    assert [m.code for m in rules.prerequisite_cycle(a.pk, [a.pk])] == ["A1", "A1"]
    assert rules.prerequisite_cycle(b.pk, [a.pk]) is None


@pytest.mark.django_db
def test_programme_credits_that_add_up_have_no_problems():
    programme = ProgrammeFactory(total_credits=60, optional_credits=15)
    for _ in range(3):
        ProgrammeModuleFactory(programme=programme, module=ModuleFactory(credits=15))
    ProgrammeModuleFactory(programme=programme, module=ModuleFactory(credits=15), kind=ProgrammeModule.Kind.OPTIONAL)
    ExitAward.objects.create(programme=programme, name="PGCert", credits_required=30)
    assert rules.programme_credit_problems(programme) == []


@pytest.mark.django_db
def test_programme_credits_that_do_not_add_up_are_explained():
    programme = ProgrammeFactory(total_credits=180, optional_credits=30, award="msc")
    ProgrammeModuleFactory(programme=programme, module=ModuleFactory(credits=60))
    ProgrammeModuleFactory(programme=programme, module=ModuleFactory(credits=15), kind=ProgrammeModule.Kind.OPTIONAL)
    ExitAward.objects.create(programme=programme, name="Too big", credits_required=180)
    assert rules.programme_credit_problems(programme) == [
        "Core modules (60 credits) plus optional choices (30 credits) make 90 credits, but the MSc needs 180.",
        "Students must choose 30 optional credits, but the optional modules offer only 15.",
        "The exit award Too big needs 180 credits, which is not less than the programme's 180.",
    ]
