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


# --- Teammate wishes --------------------------------------------------------------


def check_capacities(inst, result):
    pload = [0] * inst.n_projects
    lload = [0] * inst.n_supervisors
    for s, j in enumerate(result.assignment):
        if j >= 0:
            assert j in inst.student_prefs[s]
            pload[j] += 1
            lload[inst.project_supervisor[j]] += 1
    assert all(pload[j] <= inst.project_capacity[j] for j in range(inst.n_projects))
    assert all(lload[k] <= inst.supervisor_capacity[k] for k in range(inst.n_supervisors))


def test_mutual_teammates_are_put_together_when_it_costs_nothing():
    # Students 0 and 2 named each other. Project 1 has one place, wanted first
    # by 1 and 2; whoever misses it goes to project 0 (their 2nd) at the same
    # total cost. The solver gives it to 2; the pass swaps 2 and 1, so 2 is
    # with 0 on project 0 and 1 gets their 1st choice: same total cost.
    inst = Instance(
        student_prefs=[[0, 1], [1, 0], [1, 0]],
        project_capacity=[2, 1], project_supervisor=[0, 1], supervisor_capacity=[5, 5],
        teammate_pairs=[(0, 2), (2, 0)],
    )
    without = allocate(Instance(**{**inst.__dict__, "teammate_pairs": None}), MIN_COST)
    assert without.assignment == [0, 0, 1]
    result = allocate(inst, MIN_COST)
    assert result.assignment == [0, 1, 0]
    assert result.total_cost == without.total_cost == 4
    assert result.placed == without.placed == 3
    assert (result.teammate_pairs, result.teammate_pairs_together, result.teammate_pairs_moved) == (1, 1, 1)
    assert result.rank_profile == [2, 1]
    assert allocate(inst, MIN_COST).assignment == result.assignment  # same input, same result


def test_an_unplaced_teammate_joins_their_teammate_where_there_is_room():
    # Team sizes closed project 1 (one student cannot form a team of 2), so
    # student 1 is unplaced; project 0 still has room and 1 ranked it.
    inst = Instance(
        student_prefs=[[0], [1, 0]],
        project_capacity=[2, 2], project_supervisor=[0, 0], supervisor_capacity=[4],
        team_min=[1, 2], team_max=[2, 2], max_teams=[1, 1],
        teammate_pairs=[(0, 1)],
    )
    result = allocate(inst, MIN_COST)
    assert result.assignment == [0, 0]
    assert result.teammate_pairs_together == 1


def test_a_wish_that_would_cost_someone_a_better_choice_is_not_honoured():
    # 0 and 1 named each other but each got their 1st choice on different
    # projects: together, one of them would drop to their 2nd. Not done.
    inst = Instance(
        student_prefs=[[0, 1], [1, 0]],
        project_capacity=[2, 2], project_supervisor=[0, 0], supervisor_capacity=[4],
        teammate_pairs=[(0, 1)],
    )
    for objective in (MIN_COST, STABLE):
        result = allocate(inst, objective)
        assert result.assignment == [0, 1]
        assert (result.teammate_pairs, result.teammate_pairs_together, result.teammate_pairs_moved) == (1, 0, 0)


def test_a_wish_with_no_project_in_common_or_no_room_is_not_honoured():
    no_common = Instance(student_prefs=[[0], [1]], project_capacity=[1, 1], project_supervisor=[0, 1],
                         supervisor_capacity=[1, 1], teammate_pairs=[(0, 1)])
    no_room = Instance(student_prefs=[[0, 1], [1, 0]], project_capacity=[1, 1], project_supervisor=[0, 1],
                       supervisor_capacity=[1, 1], teammate_pairs=[(0, 1)])
    for inst in (no_common, no_room):
        result = allocate(inst, MIN_COST)
        assert result.assignment == [0, 1]
        assert result.teammate_pairs_together == 0


def test_a_one_sided_wish_is_not_a_pair():
    inst = Instance(student_prefs=[[0, 1], [1, 0], [1, 0]], project_capacity=[2, 1], project_supervisor=[0, 1],
                    supervisor_capacity=[5, 5], teammate_pairs=[])
    assert allocate(inst, MIN_COST).teammate_pairs == 0


def test_the_teammate_pass_respects_team_sizes():
    # Project 0 takes exactly one team of 2 (students 2 and 3); moving 1 onto
    # it would make 3, too many; moving 0 off project 1 would leave 1 alone.
    inst = Instance(
        student_prefs=[[1, 0], [1, 0], [0], [0]],
        project_capacity=[2, 2], project_supervisor=[0, 1], supervisor_capacity=[5, 5],
        team_min=[2, 2], team_max=[2, 2], max_teams=[1, 1],
        teammate_pairs=[(1, 2)],
    )
    result = allocate(inst, MIN_COST)
    assert result.assignment == [1, 1, 0, 0]
    assert result.teammate_pairs_together == 0


def instance_with_wishes(seed):
    rng = random.Random(1000 + seed)
    base = random_instance(seed, n_students=8, n_projects=4, max_prefs=3)
    base.project_capacity = [rng.randint(1, 3) for _ in range(base.n_projects)]
    # Pairs of students who ranked a project in common, so wishes can matter.
    candidates = [(a, b) for a in range(base.n_students) for b in range(a + 1, base.n_students)
                  if set(base.student_prefs[a]) & set(base.student_prefs[b])]
    pairs = rng.sample(candidates, min(3, len(candidates)))
    return base, Instance(**{**base.__dict__, "teammate_pairs": pairs})


@pytest.mark.parametrize("seed", range(60))
def test_the_teammate_pass_keeps_each_objectives_guarantee(seed):
    base, inst = instance_with_wishes(seed)
    for objective in (MIN_COST, STABLE):
        plain, wished = allocate(base, objective), allocate(inst, objective)
        check_capacities(inst, wished)
        assert wished.assignment == allocate(inst, objective).assignment
        if objective == MIN_COST:
            assert (wished.placed, wished.total_cost) == (plain.placed, plain.total_cost)
        else:
            assert blocking_pairs(inst, wished.assignment) == []
        # Nobody outside a pair that moved is worse off.
        movers = {s for a, b in inst.teammate_pairs for s in (a, b)}
        for s in range(inst.n_students):
            if s not in movers and plain.assignment[s] >= 0:
                assert wished.assignment[s] >= 0
                prefs = inst.student_prefs[s]
                assert prefs.index(wished.assignment[s]) <= prefs.index(plain.assignment[s])
        together_before = sum(1 for a, b in inst.teammate_pairs
                              if plain.assignment[a] >= 0 and plain.assignment[a] == plain.assignment[b])
        assert wished.teammate_pairs_together >= together_before + wished.teammate_pairs_moved


def test_the_random_instances_do_exercise_the_teammate_pass():
    # Cost-free swaps are rare in an optimal allocation (2 in 400 of these
    # instances), but they exist, and the guarantee test above covers them.
    moved = [seed for seed in range(400) if allocate(instance_with_wishes(seed)[1], MIN_COST).teammate_pairs_moved]
    assert moved
    assert all(test_the_teammate_pass_keeps_each_objectives_guarantee(seed) is None for seed in moved)
