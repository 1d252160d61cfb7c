"""The allocation core: capacities, determinism, optimality and stability.

Small random instances are checked against brute force: every way of placing
each student on one of their choices (or nowhere) is tried.
"""

import itertools
import random

import pytest

from theses.allocation import (
    CHOICES_FULL,
    MIN_COST,
    NO_CHOICES,
    STABLE,
    Instance,
    allocate,
    blocking_pairs,
    supervisor_ranks,
    team_size_ok,
)


def random_instance(seed, n_students=6, n_projects=4, n_sup=2, max_prefs=3, ranked_by_supervisors=True):
    rng = random.Random(seed)
    sup = [rng.randrange(n_sup) for _ in range(n_projects)]
    prefs = [rng.sample(range(n_projects), rng.randint(0, max_prefs)) for _ in range(n_students)]
    sup_prefs = None
    if ranked_by_supervisors:
        sup_prefs = []
        for k in range(n_sup):
            applicants = sorted({s for s, p in enumerate(prefs) for j in p if sup[j] == k})
            rng.shuffle(applicants)
            sup_prefs.append(applicants)
    return Instance(
        student_prefs=prefs,
        project_capacity=[rng.randint(0, 2) for _ in range(n_projects)],
        project_supervisor=sup,
        supervisor_capacity=[rng.randint(1, 3) for _ in range(n_sup)],
        supervisor_prefs=sup_prefs,
    )


def feasible_assignments(inst):
    options = [[-1, *prefs] for prefs in inst.student_prefs]
    for combo in itertools.product(*options):
        pload = [0] * inst.n_projects
        lload = [0] * inst.n_supervisors
        for j in combo:
            if j >= 0:
                pload[j] += 1
                lload[inst.project_supervisor[j]] += 1
        if all(pload[j] <= inst.project_capacity[j] for j in range(inst.n_projects)) and all(
            lload[k] <= inst.supervisor_capacity[k] for k in range(inst.n_supervisors)
        ):
            yield list(combo)


def placed_and_cost(inst, assignment):
    placed = sum(1 for j in assignment if j >= 0)
    cost = sum(inst.student_prefs[s].index(j) + 1 for s, j in enumerate(assignment) if j >= 0)
    return placed, cost


def assert_within_capacity(inst, result):
    pload = [0] * inst.n_projects
    lload = [0] * inst.n_supervisors
    for s, j in enumerate(result.assignment):
        if j >= 0:
            assert j in inst.student_prefs[s], "a student was placed on a project they did not rank"
            pload[j] += 1
            lload[inst.project_supervisor[j]] += 1
    assert all(pload[j] <= inst.project_capacity[j] for j in range(inst.n_projects))
    assert all(lload[k] <= inst.supervisor_capacity[k] for k in range(inst.n_supervisors))


@pytest.mark.parametrize("seed", range(60))
def test_min_cost_places_the_most_students_at_the_least_rank_cost_as_brute_force(seed):
    inst = random_instance(seed)
    result = allocate(inst, MIN_COST)
    assert_within_capacity(inst, result)
    best = max(feasible_assignments(inst), key=lambda a: (placed_and_cost(inst, a)[0], -placed_and_cost(inst, a)[1]))
    assert placed_and_cost(inst, result.assignment) == placed_and_cost(inst, best)
    assert result.total_cost == placed_and_cost(inst, best)[1]


@pytest.mark.parametrize("seed", range(60))
def test_stable_allocation_has_no_blocking_pair_and_is_student_optimal(seed):
    inst = random_instance(seed)
    result = allocate(inst, STABLE)
    assert_within_capacity(inst, result)
    assert blocking_pairs(inst, result.assignment) == []
    # Student-optimal: no student does better in any other stable allocation.
    stable = [a for a in feasible_assignments(inst) if not blocking_pairs(inst, a, limit=1)]
    assert result.assignment in stable

    def rank(s, j):
        return inst.student_prefs[s].index(j) if j >= 0 else len(inst.student_prefs[s])

    for other in stable:
        for s in range(inst.n_students):
            assert rank(s, result.assignment[s]) <= rank(s, other[s])


def test_blocking_pair_search_finds_an_unstable_pair():
    # One project, one place; the supervisor prefers student 1 but student 0 has it.
    inst = Instance(student_prefs=[[0], [0]], project_capacity=[1], project_supervisor=[0],
                    supervisor_capacity=[1], supervisor_prefs=[[1, 0]])
    assert blocking_pairs(inst, [0, -1]) == [(1, 0)]
    assert blocking_pairs(inst, [-1, 1 - 1]) == []


def test_unranked_students_follow_ranked_ones_by_how_highly_they_chose_the_supervisor():
    inst = Instance(student_prefs=[[1, 0], [0], [0]], project_capacity=[1, 1], project_supervisor=[0, 1],
                    supervisor_capacity=[3, 3], supervisor_prefs=[[2], []])
    ranks = supervisor_ranks(inst)
    # Supervisor 0 ranked student 2; student 1 chose project 0 first, student 0 second.
    assert ranks[2] == [0]
    assert ranks[1] == [1]
    assert ranks[0] == [0, 2]


@pytest.mark.parametrize("objective", [MIN_COST, STABLE])
def test_same_input_gives_the_same_result(objective):
    inst = random_instance(7, n_students=40, n_projects=12, n_sup=4, max_prefs=5)
    first = allocate(inst, objective)
    again = allocate(random_instance(7, n_students=40, n_projects=12, n_sup=4, max_prefs=5), objective)
    assert first.assignment == again.assignment
    assert first.rank_profile == again.rank_profile


@pytest.mark.parametrize("objective", [MIN_COST, STABLE])
def test_more_students_than_places_is_reported_not_a_crash(objective):
    inst = Instance(student_prefs=[[0, 1], [0, 1], [0], [1, 0], []], project_capacity=[1, 1],
                    project_supervisor=[0, 0], supervisor_capacity=[5])
    result = allocate(inst, objective)
    assert result.placed == 2
    reasons = {u.student: (u.reason, u.full) for u in result.unplaced}
    assert reasons[4] == (NO_CHOICES, 0)
    assert all(reason == CHOICES_FULL and full >= 1 for s, (reason, full) in reasons.items() if s != 4)
    assert len(result.unplaced) == 3


@pytest.mark.parametrize("objective", [MIN_COST, STABLE])
def test_supervisor_capacity_is_never_exceeded(objective):
    inst = Instance(student_prefs=[[0], [1], [2], [0, 3]], project_capacity=[2, 2, 2, 1],
                    project_supervisor=[0, 0, 0, 1], supervisor_capacity=[2, 1])
    result = allocate(inst, objective)
    assert_within_capacity(inst, result)
    assert result.placed == 3


@pytest.mark.parametrize("objective", [MIN_COST, STABLE])
def test_a_group_project_below_its_minimum_team_is_closed_and_its_student_placed_elsewhere(objective):
    # Project 0 wants teams of 3 to 4; only two students rank it, so it closes
    # and both fall back to their second choice.
    inst = Instance(student_prefs=[[0, 1], [0, 2], [1]], project_capacity=[4, 2, 2],
                    project_supervisor=[0, 0, 1], supervisor_capacity=[10, 10],
                    team_min=[3, 1, 1], team_max=[4, 2, 2], max_teams=[1, 1, 1])
    result = allocate(inst, objective)
    assert result.assignment == [1, 2, 1]
    assert result.closed_projects == [0]


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.parametrize("objective", [MIN_COST, STABLE])
def test_team_sizes_always_fit_after_the_post_pass(seed, objective):
    rng = random.Random(seed)
    inst = random_instance(seed, n_students=30, n_projects=8, n_sup=3, max_prefs=4)
    inst.project_capacity = [rng.randint(2, 8) for _ in range(8)]
    inst.team_min = [rng.randint(1, 3) for _ in range(8)]
    inst.team_max = [tmin + rng.randint(0, 2) for tmin in inst.team_min]
    inst.max_teams = [rng.randint(1, 2) for _ in range(8)]
    inst.supervisor_capacity = [20, 20, 20]
    result = allocate(inst, objective)
    assert_within_capacity(inst, result)
    for j, k in enumerate(result.project_load):
        assert team_size_ok(k, inst.team_min[j], inst.team_max[j], inst.max_teams[j])


def test_team_size_rule():
    assert team_size_ok(0, 3, 4, 2)
    assert not team_size_ok(2, 3, 4, 2)
    assert team_size_ok(4, 3, 4, 2)
    assert not team_size_ok(5, 3, 4, 2)  # one team of 5 is too big, two of 2 or 3 too small
    assert team_size_ok(6, 3, 4, 2)
    assert not team_size_ok(9, 3, 4, 2)


def test_unknown_project_or_repeated_choice_is_refused():
    with pytest.raises(ValueError, match="unknown project"):
        allocate(Instance([[3]], [1], [0], [1]))
    with pytest.raises(ValueError, match="twice"):
        allocate(Instance([[0, 0]], [1], [0], [1]))
